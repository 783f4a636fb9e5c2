import { Secret } from "@shared/secret.ts";
import { kekHeader, KEY_BYTES, open, seal, secretHeader } from "./envelope.ts";
import type { OwnerKey, SecretName } from "./owner.ts";

/**
 * The key hierarchy's operations: the KEK seals a check value and wraps each owner's DEK; a DEK
 * seals that owner's secrets. Key bytes are zeroed by their holders once used (`zero`).
 */
const CHECK_TEXT = new TextEncoder().encode("systemprompt vault key ring");
const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** 32 bytes from base64 text, or undefined when the text is not exactly that. */
export function decodeKey(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text.trim());
  } catch {
    return undefined;
  }
  if (binary.length !== KEY_BYTES) return undefined;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function encodeKey(key: Uint8Array): Secret {
  let binary = "";
  for (const b of key) binary += String.fromCharCode(b);
  return new Secret(btoa(binary));
}

export function generateKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}

export function zero(...keys: (Uint8Array | undefined)[]): void {
  for (const key of keys) key?.fill(0);
}

export function sealCheck(kek: Uint8Array, kekVersion: number): Uint8Array {
  return seal(kek, CHECK_TEXT, kekHeader("check", kekVersion), `kek-check|${kekVersion}`);
}

export function opensCheck(kek: Uint8Array, kekVersion: number, check: Uint8Array): boolean {
  const text = open(kek, check, kekHeader("check", kekVersion), `kek-check|${kekVersion}`);
  return text !== undefined && text.length === CHECK_TEXT.length && text.every((b, i) => b === CHECK_TEXT[i]);
}

export function wrapDataKey(
  kek: Uint8Array,
  kekVersion: number,
  owner: OwnerKey,
  dek: Uint8Array,
): Uint8Array {
  return seal(kek, dek, kekHeader("dek", kekVersion), `dek|${owner}|${kekVersion}`);
}

export function unwrapDataKey(
  kek: Uint8Array,
  kekVersion: number,
  owner: OwnerKey,
  wrapped: Uint8Array,
): Uint8Array | undefined {
  const dek = open(kek, wrapped, kekHeader("dek", kekVersion), `dek|${owner}|${kekVersion}`);
  return dek?.length === KEY_BYTES ? dek : undefined;
}

export interface SecretBinding {
  readonly owner: OwnerKey;
  readonly name: SecretName;
  readonly version: number;
  readonly dekId: string;
}

export function sealSecret(dek: Uint8Array, binding: SecretBinding, value: Secret): Uint8Array {
  const plain = encoder.encode(value.reveal());
  try {
    return seal(dek, plain, secretHeader(binding.dekId), secretContext(binding));
  } finally {
    zero(plain);
  }
}

export function openSecret(dek: Uint8Array, binding: SecretBinding, blob: Uint8Array): Secret | undefined {
  const plain = open(dek, blob, secretHeader(binding.dekId), secretContext(binding));
  if (plain === undefined) return undefined;
  try {
    return new Secret(decoder.decode(plain));
  } catch {
    return undefined;
  } finally {
    zero(plain);
  }
}

function secretContext(b: SecretBinding): string {
  return `secret|${b.owner}|${b.name}|${b.version}`;
}
