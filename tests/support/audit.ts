import { generateKeyPairSync } from "node:crypto";
import type { AuditWriter, NewDecisionRecord } from "@domain/audit/mod.ts";
import { openAuditWriter } from "@domain/audit/mod.ts";
import type { AuditWriterOptions } from "@domain/audit/writer.ts";
import { type AuditKey, importAuditKey } from "@infra/audit/audit_key.ts";
import type { Db } from "@infra/db/db.ts";
import { type Clock, systemClock } from "@shared/clock.ts";
import { type DecisionId, newUuidV7, type TraceId, type UserId } from "@shared/ids.ts";
import { silentLogger } from "@shared/logger.ts";

/** Audit test helpers: decision records, a fresh Ed25519 key, writers with their own journal dir. */
export function newAuditKey(): AuditKey {
  return importAuditKey(
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  );
}

export function decision(n: number, overrides: Partial<NewDecisionRecord> = {}): NewDecisionRecord {
  const deny = n % 7 === 0;
  return {
    id: newUuidV7() as DecisionId,
    userId: "0190a000-0000-7000-8000-00000000aaaa" as UserId,
    sessionId: `sess_${n % 5}`,
    toolName: deny ? "delete_records" : "Read",
    agentId: null,
    agentScope: deny ? "user" : "admin",
    decision: deny ? "deny" : "allow",
    policy: deny ? "tool_blocklist" : "default_allow",
    reason: deny ? "tool delete_records blocked by list delete" : null,
    evaluatedRules: {
      principal: { user_id: "u", roles: ["admin", "user"] },
      target: { tool: "Read", n },
      chain: [{ policy_id: "secret_scan", result: "pass", detail: null, duration_ms: 0.012 }],
      policy_version: "v1",
    },
    pluginId: null,
    actorKind: "user",
    actorId: null,
    actChain: [],
    contextId: null,
    taskId: null,
    traceId: `trace_${n}` as TraceId,
    createdAt: new Date(),
    ...overrides,
  };
}

export interface TestWriter extends AsyncDisposable {
  readonly writer: AuditWriter;
  readonly key: AuditKey;
  readonly journalDir: string;
}

export async function openTestWriter(
  db: Db,
  options: Partial<Omit<AuditWriterOptions, "db">> & { clock?: Clock } = {},
): Promise<TestWriter> {
  const journalDir = options.journalDir ?? await Deno.makeTempDir({ prefix: "sp_journal_" });
  const key = newAuditKey();
  const writer = await openAuditWriter({
    db,
    signer: key,
    clock: systemClock,
    log: silentLogger,
    owner: crypto.randomUUID(),
    retryInitialMs: 20,
    retryMaxMs: 100,
    ...options,
    journalDir,
  });
  return {
    writer,
    key,
    journalDir,
    [Symbol.asyncDispose]: async () => {
      await writer[Symbol.asyncDispose]();
      if (!options.journalDir) await Deno.remove(journalDir, { recursive: true });
    },
  };
}

/** Counts audit batches: full-path transactions and one-round-trip `sp_audit_append` calls. */
export function countingDb(db: Db): { db: Db; readonly batches: () => number } {
  let count = 0;
  const one: Db["one"] = (sql, params) => {
    if (sql.includes("sp_audit_append")) count++;
    return db.one(sql, params);
  };
  return {
    db: { ...db, one, tx: (fn, options) => (count++, db.tx(fn, options)) },
    batches: () => count,
  };
}

/** A database that can be "unplugged": while down, transactions and statements fail like a lost connection. */
export function unpluggableDb(db: Db): { db: Db; setDown(down: boolean): void } {
  let down = false;
  const lost = () =>
    Object.assign(new Error("write CONNECTION_CLOSED 127.0.0.1:5432"), { code: "CONNECTION_CLOSED" });
  const one: Db["one"] = (sql, params) => (down ? Promise.reject(lost()) : db.one(sql, params));
  return {
    db: { ...db, one, tx: (fn, options) => (down ? Promise.reject(lost()) : db.tx(fn, options)) },
    setDown: (value) => void (down = value),
  };
}
