import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { AppError } from "@shared/errors.ts";
import type { HomeLayout } from "../config/home.ts";

/**
 * The Ed25519 key that signs audit checkpoints: `<profile>/credentials/audit/ed25519.pem` (PKCS#8,
 * 0600). Its id is the base64url SHA-256 of the public key's SPKI encoding, so a key always has the
 * same id. Created once, never overwritten (two processes racing to create it agree on one file).
 */
export interface AuditKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
  sign(message: string): string;
}

/** `(keyId, message, signature) → valid?`; false for any key id but the given key's. */
export type AuditSignatureCheck = (keyId: string, message: string, signature: string) => boolean;

const encoder = new TextEncoder();

export function auditKeyPath(layout: HomeLayout): string {
  return join(layout.credentialsDir, "audit", "ed25519.pem");
}

export async function loadOrCreateAuditKey(layout: HomeLayout): Promise<AuditKey> {
  const path = auditKeyPath(layout);
  const existing = await readIfExists(path);
  if (existing !== undefined) return importAuditKey(existing);
  const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  await createExclusive(path, pem);
  return importAuditKey(await Deno.readTextFile(path));
}

/** The existing key; `audit.key_missing` when setup never ran for this profile. */
export async function loadAuditKey(layout: HomeLayout): Promise<AuditKey> {
  const pem = await readIfExists(auditKeyPath(layout));
  if (pem === undefined) {
    throw new AppError(
      "audit.key_missing",
      "no audit signing key for this profile (run `systemprompt admin setup`)",
    );
  }
  return importAuditKey(pem);
}

export function importAuditKey(privatePem: string): AuditKey {
  const privateKey = createPrivateKey(privatePem);
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    sign: (message) => sign(null, encoder.encode(message), privateKey).toString("base64url"),
  };
}

/** The key id a public key (SPKI PEM) must have. */
export function auditKeyIdOf(publicPem: string): string {
  return keyIdOf(createPublicKey(publicPem));
}

/** A signature check for one public key (SPKI PEM). */
export function auditSignatureCheck(publicPem: string): AuditSignatureCheck {
  const publicKey = createPublicKey(publicPem);
  const id = keyIdOf(publicKey);
  return (keyId, message, signature) => {
    if (keyId !== id) return false;
    try {
      return verify(null, encoder.encode(message), publicKey, Buffer.from(signature, "base64url"));
    } catch {
      return false;
    }
  };
}

function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("base64url");
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Writes a temporary file (0600, fsync'd) and links it into place; an existing file wins. */
async function createExclusive(path: string, content: string): Promise<void> {
  const dir = join(path, "..");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    await using file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    await file.write(encoder.encode(content));
    await file.sync();
    await Deno.chmod(tmp, 0o600);
    await Deno.link(tmp, path).catch((error) => {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    });
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
