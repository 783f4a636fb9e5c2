import assert from "node:assert/strict";
import type { ToolExecution } from "@domain/mcp/mod.ts";
import type { Queryable, Row } from "@infra/db/db.ts";
import { silentLogger } from "@shared/logger.ts";
import type { UserId } from "@shared/ids.ts";
import { createExecutionRecorder } from "./mcp_executions.ts";
import { PinCache } from "./mcp_pin_cache.ts";
import { McpSessionCache } from "./mcp_session_cache.ts";

/** A Queryable that answers `rows(sql, params)` (read at once) after `delayMs`, counting calls. */
function fakeDb(rows: (sql: string, params: readonly unknown[]) => Row[], delayMs = 0) {
  const calls: { sql: string; params: readonly unknown[] }[] = [];
  const run = async (sql: string, params: readonly unknown[] = []) => {
    calls.push({ sql, params });
    const answer = rows(sql, params); // as of the statement's snapshot
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return answer;
  };
  const db = {
    query: async (sql: string, params?: readonly unknown[]) => ({
      columns: [],
      rows: await run(sql, params),
    }),
    many: (sql: string, params?: readonly unknown[]) => run(sql, params),
    maybeOne: async (sql: string, params?: readonly unknown[]) => (await run(sql, params))[0],
    one: async (sql: string, params?: readonly unknown[]) => (await run(sql, params))[0]!,
    exec: async (sql: string) => void await run(sql),
  } as unknown as Queryable;
  return { db, calls };
}

const execution = (i: number): ToolExecution => ({
  id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
  traceId: `trace-${i}`,
  decisionId: null,
  server: "s",
  tool: "t",
  userId: null,
  sessionId: null,
  status: "success",
  durationMs: 1,
  inputBytes: 1,
  outputBytes: 1,
  error: null,
  createdAt: new Date(0),
});

Deno.test("execution recorder: group-commits off the caller's path; dispose writes every queued row", async () => {
  const written: string[] = [];
  const { db, calls } = fakeDb((_sql, params) => {
    const rows = JSON.parse(String(params[0])) as { trace_id: string }[];
    if (rows.some((r) => r.trace_id === "trace-13") && rows.length > 1) throw new Error("one bad row");
    if (rows.length === 1 && rows[0]!.trace_id === "trace-13") throw new Error("still bad");
    written.push(...rows.map((r) => r.trace_id));
    return [];
  }, 10);
  const recorder = createExecutionRecorder({ db, log: silentLogger }, { lingerMs: 50, maxBatch: 8 });
  for (let i = 0; i < 30; i++) recorder.record(execution(i));
  assert.equal(
    recorder.depth(),
    22,
    "record() returns at once; a full batch is handed over, the rest lingers",
  );
  await recorder[Symbol.asyncDispose]();
  assert.equal(recorder.depth(), 0);
  const expected = Array.from({ length: 30 }, (_, i) => `trace-${i}`).filter((t) => t !== "trace-13");
  assert.deepEqual([...written].sort(), expected.sort(), "all but the bad row, which is logged");
  assert.ok(calls.length < 30, `batched: ${calls.length} statements`);
});

Deno.test("execution recorder: rows recorded while a batch is written go in the next one", async () => {
  const batches: number[] = [];
  const { db } = fakeDb((_sql, params) => {
    batches.push((JSON.parse(String(params[0])) as unknown[]).length);
    return [];
  }, 20);
  const recorder = createExecutionRecorder({ db, log: silentLogger }, { lingerMs: 1 });
  recorder.record(execution(1));
  await new Promise((resolve) => setTimeout(resolve, 5));
  for (let i = 2; i <= 5; i++) recorder.record(execution(i));
  await recorder.flush();
  assert.deepEqual(batches, [1, 4]);
});

Deno.test("pin cache: reads PostgreSQL until live; then one read per server until invalidated", async () => {
  let status = "pinned";
  const { db, calls } = fakeDb(() => [{ server: "s", tool: "t", status, description: "" }]);
  const pins = new PinCache(db);
  assert.equal(await pins.status("mcp__s__t"), "pinned");
  assert.equal(await pins.status("mcp__s__t"), "pinned");
  assert.equal(calls.length, 2, "not live: no caching");
  pins.setLive(true);
  await pins.status("mcp__s__t");
  assert.equal(await pins.status("mcp__s__other"), "unpinned");
  assert.equal(calls.length, 3, "live: one read for the server");
  status = "quarantined";
  assert.equal(await pins.status("mcp__s__t"), "pinned", "cached until notified");
  pins.invalidate("s");
  assert.equal(await pins.status("mcp__s__t"), "quarantined");
  assert.equal(await pins.status("not-an-mcp-name"), "unpinned");
});

Deno.test("pin cache: a load that raced an invalidation is not kept", async () => {
  let status = "pinned";
  const { db, calls } = fakeDb(() => [{ server: "s", tool: "t", status, description: "" }], 20);
  const pins = new PinCache(db);
  pins.setLive(true);
  const racing = pins.status("mcp__s__t");
  await new Promise((resolve) => setTimeout(resolve, 5));
  status = "quarantined";
  pins.invalidate("s");
  assert.equal(await racing, "pinned");
  assert.equal(await pins.status("mcp__s__t"), "quarantined");
  assert.equal(calls.length, 2);
});

Deno.test("session cache: hits only for the same server and user; a close anywhere drops it", async () => {
  const alice = "01900000-0000-7000-8000-000000000001" as UserId;
  let open = true;
  const { db, calls } = fakeDb((sql) =>
    sql.includes("update mcp_sessions set closed_at") || !open ? [] : [{
      id: "mcps_00000000000000000000000000000001",
      server: "demo",
      user_id: alice,
      protocol_version: "2025-11-25",
      created_at: new Date(0),
    }]
  );
  const sessions = new McpSessionCache(db);
  sessions.setLive(true);
  const key = { id: "mcps_00000000000000000000000000000001" as never, server: "demo", userId: alice };
  assert.ok(await sessions.find(key));
  assert.ok(await sessions.find(key));
  assert.equal(calls.length, 1, "one read while live");
  assert.equal(await sessions.find({ ...key, server: "other" }), undefined);
  assert.equal(
    await sessions.find({ ...key, userId: "01900000-0000-7000-8000-000000000002" as UserId }),
    undefined,
  );
  open = false;
  sessions.forget(key.id); // NOTIFY sp_mcp 'session:<id>' from another process
  assert.equal(await sessions.find(key), undefined);
  sessions.setLive(false);
  open = true;
  await sessions.find(key);
  await sessions.find(key);
  assert.equal(calls.length, 4, "not live: every lookup reads");
});
