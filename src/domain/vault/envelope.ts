import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";

/**
 * Sealed blobs: XChaCha20-Poly1305 with a fresh random 24-byte nonce per encryption.
 *
 * Layout: `header ‖ nonce (24) ‖ ciphertext ‖ tag (16)`, where the self-describing header is
 * `format (1) ‖ kind (1) ‖ key reference` — the KEK version (u32, big-endian) for a wrapped data key
 * or the key-ring check value, the data key id (16 bytes) for a secret. The AAD is the header followed
 * by the UTF-8 context string (`dek|<owner>|<kek_version>`, `secret|<owner>|<name>|<version>`), so
 * neither the header nor the binding can change without the tag failing.
 */
export const FORMAT_VERSION = 1;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export type BlobKind = "dek" | "secret" | "check";

const KIND_BYTE: Record<BlobKind, number> = { dek: 1, secret: 2, check: 3 };
const encoder = new TextEncoder();

export function kekHeader(kind: "dek" | "check", kekVersion: number): Uint8Array {
  const header = new Uint8Array(6);
  header[0] = FORMAT_VERSION;
  header[1] = KIND_BYTE[kind];
  new DataView(header.buffer).setUint32(2, kekVersion);
  return header;
}

export function secretHeader(dekId: string): Uint8Array {
  const hex = dekId.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error("data key id must be a UUID");
  const header = new Uint8Array(18);
  header[0] = FORMAT_VERSION;
  header[1] = KIND_BYTE.secret;
  for (let i = 0; i < 16; i++) header[2 + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return header;
}

export function seal(
  key: Uint8Array,
  plaintext: Uint8Array,
  header: Uint8Array,
  context: string,
): Uint8Array {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = xchacha20poly1305(key, nonce, aadOf(header, context)).encrypt(plaintext);
  const blob = new Uint8Array(header.length + NONCE_BYTES + sealed.length);
  blob.set(header, 0);
  blob.set(nonce, header.length);
  blob.set(sealed, header.length + NONCE_BYTES);
  return blob;
}

/**
 * The plaintext, or undefined when anything is wrong: another header than expected, a short blob,
 * a wrong key, another context or any changed byte. Nothing partial is ever returned.
 */
export function open(
  key: Uint8Array,
  blob: Uint8Array,
  header: Uint8Array,
  context: string,
): Uint8Array | undefined {
  if (blob.length < header.length + NONCE_BYTES + TAG_BYTES) return undefined;
  for (let i = 0; i < header.length; i++) if (blob[i] !== header[i]) return undefined;
  const nonce = blob.subarray(header.length, header.length + NONCE_BYTES);
  const sealed = blob.subarray(header.length + NONCE_BYTES);
  try {
    return xchacha20poly1305(key, nonce, aadOf(header, context)).decrypt(sealed);
  } catch {
    return undefined;
  }
}

/** The nonce of a sealed blob (tests check uniqueness). */
export function nonceOf(blob: Uint8Array, headerLength: number): Uint8Array {
  return blob.subarray(headerLength, headerLength + NONCE_BYTES);
}

function aadOf(header: Uint8Array, context: string): Uint8Array {
  const text = encoder.encode(context);
  const aad = new Uint8Array(header.length + text.length);
  aad.set(header, 0);
  aad.set(text, header.length);
  return aad;
}
