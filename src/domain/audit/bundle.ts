import { auditKeyIdOf, auditSignatureCheck } from "@infra/audit/audit_key.ts";
import type { Queryable } from "@infra/db/db.ts";
import { AppError } from "@shared/errors.ts";
import type { ChainedDecision } from "./chain.ts";
import type { Checkpoint } from "./checkpoint.ts";
import { decodeChained, decodeCheckpoint, encodeChained, encodeCheckpoint } from "./codec.ts";
import { createAuditVerifier, type VerifyReport } from "./verify.ts";
import { headBefore, readCheckpoints, readDecisions } from "./verify_store.ts";

/**
 * An auditor's export: rows `from..to`, the checkpoints among them and the public key that signed
 * those, in one JSON file that `verifyBundle` checks with no database. The chain inside is
 * recomputed from `prev_hash` (the row before `from`); the checkpoints tie it to the appliance's
 * key, whose id an auditor compares with `infra audit pubkey`. Rows after the last checkpoint are
 * only as trustworthy as the file itself.
 */
export const BUNDLE_FORMAT = "systemprompt.audit-bundle/1";
const PAGE_SIZE = 5_000;

export interface BundleKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
}

export interface BundleReport extends VerifyReport {
  readonly keyId: string;
  readonly from: number;
  readonly to: number;
  readonly lastCheckpointSeq: number | null;
}

interface Bundle {
  readonly from: number;
  readonly to: number;
  readonly prevHash: string;
  readonly key: BundleKey;
  readonly rows: readonly ChainedDecision[];
  readonly checkpoints: readonly Checkpoint[];
}

/** The bundle for rows `from..to` (`to` clamped to the newest row). */
export async function exportBundle(
  db: Queryable,
  key: BundleKey,
  range: { readonly from: number; readonly to: number },
  now: Date,
): Promise<Record<string, unknown>> {
  const from = Math.max(1, range.from);
  const start = await headBefore(db, from);
  const rows: ChainedDecision[] = [];
  for (let next = from; next <= range.to;) {
    const page = await readDecisions(db, next, range.to, PAGE_SIZE);
    rows.push(...page);
    if (page.length < PAGE_SIZE) break;
    next = page.at(-1)!.seq + 1;
  }
  const to = rows.at(-1)?.seq ?? from - 1;
  return {
    format: BUNDLE_FORMAT,
    exported_at: now.toISOString(),
    from,
    to,
    prev_hash: rows[0]?.prevHash ?? start?.rowHash ?? null,
    public_key: { key_id: key.keyId, pem: key.publicKeyPem },
    rows: rows.map(encodeChained),
    checkpoints: (await readCheckpoints(db, from, to)).map(encodeCheckpoint),
  };
}

/** Checks a parsed bundle file; `audit.bundle_invalid` when it is not one. */
export function verifyBundle(raw: unknown): BundleReport {
  const bundle = parseBundle(raw);
  const { from, to, key } = bundle;
  const lastCheckpointSeq = bundle.checkpoints.at(-1)?.seq ?? null;
  const about = { keyId: key.keyId, from, to, lastCheckpointSeq };
  if (auditKeyIdOf(key.publicKeyPem) !== key.keyId) {
    const reason = "the public key does not match its key id";
    return { ok: false, rowsChecked: 0, checkpointsChecked: 0, firstBrokenSeq: from, reason, ...about };
  }
  const start = { seq: from - 1, rowHash: bundle.prevHash };
  const verifier = createAuditVerifier(start, bundle.checkpoints, auditSignatureCheck(key.publicKeyPem));
  verifier.feed(bundle.rows);
  const report = verifier.finish();
  if (report.ok && report.rowsChecked !== to - from + 1) {
    const missing = from + report.rowsChecked;
    return { ...report, ok: false, firstBrokenSeq: missing, reason: `row ${missing} is missing`, ...about };
  }
  return { ...report, ...about };
}

function parseBundle(raw: unknown): Bundle {
  try {
    const o = raw as Record<string, unknown>;
    if (o?.format !== BUNDLE_FORMAT) throw new TypeError(`format: expected ${BUNDLE_FORMAT}`);
    const key = o.public_key as Record<string, unknown> | undefined;
    if (typeof key?.key_id !== "string" || typeof key.pem !== "string") throw new TypeError("public_key");
    auditKeyIdOf(key.pem);
    const [from, to] = [o.from, o.to];
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new TypeError("from/to");
    if (typeof o.prev_hash !== "string") throw new TypeError("prev_hash");
    if (!Array.isArray(o.rows) || !Array.isArray(o.checkpoints)) throw new TypeError("rows/checkpoints");
    return {
      from: from as number,
      to: to as number,
      prevHash: o.prev_hash,
      key: { keyId: key.key_id, publicKeyPem: key.pem },
      rows: o.rows.map((row, i) => withIndex("rows", i, () => decodeChained(row as Record<string, unknown>))),
      checkpoints: o.checkpoints.map((cp, i) =>
        withIndex("checkpoints", i, () => decodeCheckpoint(cp as Record<string, unknown>))
      ),
    };
  } catch (error) {
    throw new AppError("audit.bundle_invalid", `not an audit bundle: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function withIndex<T>(list: string, index: number, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new TypeError(`${list}[${index}].${(error as Error).message}`);
  }
}
