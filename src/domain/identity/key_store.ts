import listSigningKeysSql from "@sql/queries/identity/list_signing_keys.sql" with { type: "text" };
import upsertSigningKeySql from "@sql/queries/identity/upsert_signing_key.sql" with { type: "text" };
import retireSigningKeysSql from "@sql/queries/identity/retire_signing_keys.sql" with { type: "text" };
import pruneSigningKeysSql from "@sql/queries/identity/prune_signing_keys.sql" with { type: "text" };
import { join } from "node:path";
import type { Queryable } from "@infra/db/db.ts";
import { importSigningKey, type SigningKey } from "@infra/crypto/signing_key.ts";
import type { PublicJwk } from "./key_ring.ts";

/**
 * Where JWT keys live. Private keys are PKCS#8 PEM files in `<profile>/credentials/jwt/`, named so
 * that the newest sorts last; the `signing_keys` table records each key's public half and, once
 * rotated out, `not_after`: the moment every token it could have signed has expired.
 */
export interface KeyFile {
  readonly name: string;
  readonly path: string;
  readonly key: SigningKey;
}

export type SigningKeyStatus = "active" | "retiring" | "retired";

export interface SigningKeyRecord {
  readonly kid: string;
  readonly publicJwk: PublicJwk;
  readonly status: SigningKeyStatus;
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
  readonly notAfter: Date | null;
}

/** Key files, newest first. */
export async function readKeyFiles(dir: string): Promise<KeyFile[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".pem")) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  names.sort().reverse();
  return await Promise.all(names.map(async (name) => {
    const path = join(dir, name);
    return { name, path, key: await importSigningKey(await Deno.readTextFile(path)) };
  }));
}

/** A file name that sorts after every existing one (`20261201T120000Z.pem`, or `…Z~1.pem` on a tie). */
export function nextKeyFileName(existing: readonly string[], now: Date): string {
  const stem = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const newest = existing.map((n) => n.replace(/\.pem$/, "")).sort().at(-1);
  return newest === undefined || stem > newest ? `${stem}.pem` : `${newest}~1.pem`;
}

/** A key still verifies unless the database says it was retired or its `not_after` has passed. */
export function stillVerifies(record: SigningKeyRecord | undefined, now: Date): boolean {
  if (!record) return true;
  if (record.status === "retired") return false;
  return record.notAfter === null || record.notAfter.getTime() > now.getTime();
}

/** Private keys that verify (newest first: the first signs) and public keys known only to the database. */
export async function loadKeySet(
  q: Queryable,
  dir: string,
  now: Date,
): Promise<{ signers: SigningKey[]; verifyOnly: PublicJwk[] }> {
  const [files, records] = await Promise.all([readKeyFiles(dir), listSigningKeys(q)]);
  const byKid = new Map(records.map((r) => [r.kid, r]));
  const signers = files.map((f) => f.key).filter((k) => stillVerifies(byKid.get(k.kid), now));
  const held = new Set(files.map((f) => f.key.kid));
  const verifyOnly = records.filter((r) => !held.has(r.kid) && stillVerifies(r, now)).map((r) => r.publicJwk);
  return { signers, verifyOnly };
}

interface SigningKeyRow {
  kid: string;
  public_jwk: PublicJwk;
  status: SigningKeyStatus;
  created_at: Date;
  retired_at: Date | null;
  not_after: Date | null;
}

export async function listSigningKeys(q: Queryable): Promise<SigningKeyRecord[]> {
  const rows = await q.many<SigningKeyRow>(listSigningKeysSql);
  return rows.map((r) => ({
    kid: r.kid,
    publicJwk: r.public_jwk,
    status: r.status,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
    notAfter: r.not_after,
  }));
}

export async function recordSigningKey(q: Queryable, key: SigningKey, at: Date): Promise<void> {
  await q.query(upsertSigningKeySql, [key.kid, JSON.stringify(key.publicJwk), at]);
}

/** Marks every active key but `signerKid` as retiring until `notAfter`; returns their kids. */
export async function retireOtherKeys(q: Queryable, signerKid: string, notAfter: Date): Promise<string[]> {
  return (await q.many<{ kid: string }>(retireSigningKeysSql, [signerKid, notAfter])).map((r) => r.kid);
}

/** Retiring keys past `not_after` become retired; returns their kids (their files can go). */
export async function pruneExpiredKeys(q: Queryable, at: Date): Promise<string[]> {
  return (await q.many<{ kid: string }>(pruneSigningKeysSql, [at])).map((r) => r.kid);
}

/** `<profile>/credentials/jwt`: where the private keys live. */
export function signingKeyDir(credentialsDir: string): string {
  return join(credentialsDir, "jwt");
}
