import { isAbsolute, join } from "node:path";
import {
  type BundleReport,
  exportBundle,
  verifyBundle,
  type VerifyReport,
  verifyStoredChain,
} from "@domain/audit/mod.ts";
import { auditSignatureCheck, loadAuditKey } from "@infra/audit/audit_key.ts";
import { writeAtomic } from "@infra/config/scaffold.ts";
import { AppError } from "@shared/errors.ts";
import { command, type Group, group, type Invocation } from "../command.ts";
import { renderResult } from "../printer.ts";

const verifyCmd = command({
  name: "verify",
  summary: "Recompute the audit hash chain and check its signed checkpoints (exit 1 when broken)",
  forwardable: true,
  flags: [
    { name: "from", type: "string", value: "SEQ", summary: "start at this seq (default 1)" },
    {
      name: "bundle",
      type: "string",
      value: "FILE",
      summary: "verify an exported bundle offline (no database)",
    },
    {
      name: "key-id",
      type: "string",
      value: "ID",
      summary: "with --bundle: the key id that must have signed it",
    },
  ],
  run: async (inv) => {
    const bundle = inv.flags["bundle"];
    const report = typeof bundle === "string" ? await offlineReport(inv, bundle) : await databaseReport(inv);
    if (report.ok === true) return { kind: "object", value: report };
    inv.io.out(renderResult({ kind: "object", value: report }, inv.global.format));
    const at = report.first_broken_seq === undefined ? "" : ` at seq ${report.first_broken_seq}`;
    throw new AppError("audit.chain_broken", `audit verification failed${at}: ${report.reason}`);
  },
});

/** Never opens the context: an auditor runs this on a machine with no database and no profile. */
async function offlineReport(inv: Invocation, file: string): Promise<Record<string, unknown>> {
  const report = bundleReport(verifyBundle(await readBundle(resolvePath(inv, file))));
  const expected = inv.flags["key-id"];
  if (typeof expected !== "string" || expected === report.key_id || report.ok !== true) return report;
  return { ...report, ok: false, reason: `signed by key ${report.key_id}, not ${expected}` };
}

async function databaseReport(inv: Invocation): Promise<Record<string, unknown>> {
  const from = parseSeq(inv.flags["from"], "--from") ?? 1;
  const ctx = await inv.context();
  const key = await loadAuditKey(ctx.config.layout);
  return toWire(await verifyStoredChain(ctx.db, auditSignatureCheck(key.publicKeyPem), { fromSeq: from }));
}

const pubkeyCmd = command({
  name: "pubkey",
  summary: "Print the checkpoint signing public key (PEM) and its key id",
  run: async (inv) => {
    const key = await loadAuditKey(inv.layout);
    if (inv.global.format === "text") {
      return { kind: "text", text: `${key.publicKeyPem}key_id: ${key.keyId}\n` };
    }
    return { kind: "object", value: { key_id: key.keyId, public_key_pem: key.publicKeyPem } };
  },
});

const exportCmd = command({
  name: "export",
  summary: "Write rows FROM..TO, their checkpoints and the public key to a bundle for offline verification",
  forwardable: true,
  flags: [
    { name: "from", type: "string", value: "SEQ", summary: "first seq", required: true },
    { name: "to", type: "string", value: "SEQ", summary: "last seq", required: true },
    {
      name: "out",
      type: "string",
      value: "FILE",
      summary: "bundle file to write (absolute when a server runs)",
      required: true,
    },
  ],
  run: async (inv) => {
    const from = parseSeq(inv.flags["from"], "--from")!;
    const to = parseSeq(inv.flags["to"], "--to")!;
    if (to < from) throw new AppError("cli.usage", "--to must not be below --from");
    const out = resolvePath(inv, String(inv.flags["out"]));
    const ctx = await inv.context();
    const key = await loadAuditKey(ctx.config.layout);
    const bundle = await exportBundle(ctx.db, key, { from, to }, ctx.clock.now());
    await writeAtomic(out, `${JSON.stringify(bundle)}\n`, 0o600);
    const rows = (bundle.rows as unknown[]).length;
    const checkpoints = (bundle.checkpoints as unknown[]).length;
    return { kind: "object", value: { out, from, to: bundle.to, rows, checkpoints, key_id: key.keyId } };
  },
});

function toWire(report: VerifyReport): Record<string, unknown> {
  return {
    ok: report.ok,
    rows_checked: report.rowsChecked,
    checkpoints_checked: report.checkpointsChecked,
    ...(report.firstBrokenSeq !== undefined ? { first_broken_seq: report.firstBrokenSeq } : {}),
    ...(report.reason !== undefined ? { reason: report.reason } : {}),
  };
}

function bundleReport(report: BundleReport): Record<string, unknown> {
  return {
    ...toWire(report),
    from: report.from,
    to: report.to,
    key_id: report.keyId,
    last_checkpoint_seq: report.lastCheckpointSeq,
  };
}

async function readBundle(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new AppError("audit.bundle_invalid", `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("audit.bundle_invalid", `${path} is not JSON`, { cause: error });
  }
}

function resolvePath(inv: Invocation, path: string): string {
  return isAbsolute(path) ? path : join(inv.cwd, path);
}

export function parseSeq(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1)) throw new AppError("cli.usage", `${flag} must be a positive integer`);
  return n;
}

export const infraAudit: Group = group(
  "audit",
  "The tamper-evident audit trail: verify, export, public key",
  [
    verifyCmd,
    exportCmd,
    pubkeyCmd,
  ],
);
