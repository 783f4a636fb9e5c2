import notifyKeysSql from "@sql/queries/identity/notify_keys_changed.sql" with { type: "text" };
import { join } from "node:path";
import type { Db } from "@infra/db/db.ts";
import { generateSigningKeyPem, importSigningKey } from "@infra/crypto/signing_key.ts";
import { writeAtomic } from "@infra/config/scaffold.ts";
import type { Clock } from "@shared/clock.ts";
import { type AdminActor, recordAdminChange } from "./admin_change.ts";
import type { KeyRing } from "./key_ring.ts";
import {
  listSigningKeys,
  loadKeySet,
  nextKeyFileName,
  pruneExpiredKeys,
  readKeyFiles,
  recordSigningKey,
  retireOtherKeys,
  stillVerifies,
} from "./key_store.ts";
import { LEEWAY_SECONDS } from "./tokens.ts";

export interface KeyDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** `<profile>/credentials/jwt` */
  readonly keyDir: string;
  readonly ring: KeyRing;
}

export interface RotationResult {
  readonly kid: string;
  readonly retiring: readonly string[];
  readonly verifyUntil: Date;
  readonly pruned: readonly string[];
}

/**
 * A new RSA key becomes the signer. The keys it replaces keep verifying until `now + the longest
 * lifetime of a token they could have signed` (+ leeway), then a later rotation prunes them (row
 * retired, PEM file removed). Every process swaps its ring on `NOTIFY sp_identity, 'keys'`.
 */
export async function rotateSigningKey(
  deps: KeyDeps & { readonly longestLifetimeSeconds: number },
  actor: AdminActor,
): Promise<RotationResult> {
  const now = deps.clock.now();
  const files = await readKeyFiles(deps.keyDir);
  const pem = await generateSigningKeyPem();
  const key = await importSigningKey(pem);
  const path = join(deps.keyDir, nextKeyFileName(files.map((f) => f.name), now));
  await writeAtomic(path, pem, 0o600);
  const verifyUntil = new Date(now.getTime() + (deps.longestLifetimeSeconds + LEEWAY_SECONDS) * 1000);
  const outcome = await deps.db.tx(async (q) => {
    for (const f of files) await recordSigningKey(q, f.key, now);
    await recordSigningKey(q, key, now);
    const retiring = await retireOtherKeys(q, key.kid, verifyUntil);
    const pruned = await pruneExpiredKeys(q, now);
    await recordAdminChange(q, {
      action: "signing_key.rotated",
      actor,
      target: { kid: key.kid, retiring, pruned, verify_until: verifyUntil.toISOString() },
    }, now);
    await q.query(notifyKeysSql);
    return { retiring, pruned };
  }).catch(async (error) => {
    await Deno.remove(path).catch(() => {});
    throw error;
  });
  const prunedKids = new Set(outcome.pruned);
  for (const f of files) if (prunedKids.has(f.key.kid)) await Deno.remove(f.path).catch(() => {});
  await reloadKeyRing(deps);
  return { kid: key.kid, retiring: outcome.retiring, verifyUntil, pruned: outcome.pruned };
}

/** Re-reads key files and the `signing_keys` table into the ring. */
export async function reloadKeyRing(deps: KeyDeps): Promise<void> {
  const set = await loadKeySet(deps.db, deps.keyDir, deps.clock.now());
  await deps.ring.replace(set.signers, set.verifyOnly);
}

export type SigningKeyView = {
  readonly kid: string;
  readonly signing: boolean;
  readonly status: string;
  readonly verifies: boolean;
  readonly created_at: Date | null;
  readonly not_after: Date | null;
};

/** Every key this process or the database knows, with whether it signs and still verifies. */
export async function describeSigningKeys(
  deps: Pick<KeyDeps, "db" | "ring">,
  now: Date,
): Promise<SigningKeyView[]> {
  const records = new Map((await listSigningKeys(deps.db)).map((r) => [r.kid, r]));
  const kids = [...new Set([...deps.ring.jwks.map((k) => k.kid), ...records.keys()])];
  return kids.map((kid) => {
    const r = records.get(kid);
    return {
      kid,
      signing: kid === deps.ring.signing.kid,
      status: r?.status ?? "active",
      verifies: stillVerifies(r, now),
      created_at: r?.createdAt ?? null,
      not_after: r?.notAfter ?? null,
    };
  });
}
