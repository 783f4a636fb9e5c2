import assert from "node:assert/strict";
import { type BudgetLeaseOptions, createBudgetLeases } from "@app/llm_budget_lease.ts";
import { type CallRecorder, createCallRecorder } from "@app/llm_recorder.ts";
import { createReserveQueue } from "@app/llm_reserve_queue.ts";
import type { BoundBudget } from "@domain/llm/mod.ts";
import type { Db } from "@infra/db/db.ts";
import { systemClock } from "@shared/clock.ts";
import { newUuidV7 } from "@shared/ids.ts";
import { silentLogger } from "@shared/logger.ts";
import { openTestDb, testDbMode } from "./support/db.ts";
import { aiRequestRow } from "./support/ai_request.ts";

const mode = testDbMode();

const org = (limitMicros: number): BoundBudget => ({
  name: "org",
  key: "organization",
  label: "the organisation",
  window: "month",
  limitMicros,
  enforce: true,
});
const user: BoundBudget = {
  name: "per-user",
  key: "user:u",
  label: "u",
  window: "day",
  limitMicros: 1_000_000_000,
  enforce: true,
};

/** The gateway's wiring (context.ts): leases first, the exact reservation queue when none serves. */
function gateway(db: Db, options: BudgetLeaseOptions = {}) {
  let statements = 0;
  const counted: Db = {
    ...db,
    one: (sql, params) => (statements++, db.one(sql, params)),
    many: (sql, params) => (statements++, db.many(sql, params)),
  };
  const recorder: CallRecorder = createCallRecorder({ db, log: silentLogger, route: (s) => leases.route(s) });
  const leases = createBudgetLeases(
    { db: counted, log: silentLogger, clock: systemClock, release: (s) => recorder.settle(s) },
    options,
  );
  const reserve = createReserveQueue(counted);
  let leased = 0;
  /** One call: admitted or not; an admitted one costs `actual` and is recorded like the gateway does. */
  const call = async (budgets: readonly BoundBudget[], estimate: number, actual: number) => {
    const reservationId = newUuidV7(Date.now());
    const request = { reservationId, budgets, amountMicros: estimate };
    const viaLease = await leases.reserve(request);
    const admitted = viaLease || (await reserve(request)).admitted;
    if (viaLease) leased++;
    recorder.record({ row: aiRequestRow(), settle: { reservationId, actualMicros: admitted ? actual : 0 } });
    return admitted;
  };
  return { leases, recorder, call, statements: () => statements, leased: () => leased };
}

async function windows(db: Db) {
  return await db.many<{ budget: string; spent: number; reserved: number }>(
    "select budget, spent_micros::int8 as spent, reserved_micros::int8 as reserved from llm_budget_windows order by 1",
  );
}

Deno.test(`llm budget leases (${mode}): a busy caller reserves blocks, not calls; every cost is spent, nothing stays held`, async () => {
  await using db = await openTestDb();
  const gw = gateway(db);
  const budgets = [org(1_000_000_000), user];
  for (let i = 0; i < 200; i++) assert.ok(await gw.call(budgets, 1_000, i % 2 === 0 ? 400 : 1_500));
  assert.ok(gw.leased() > 150, `leased: ${gw.leased()}`);
  assert.ok(gw.statements() < 40, `statements before dispatch: ${gw.statements()}`);
  await gw.leases.settled();
  assert.ok(gw.leases.held() > 0);
  await gw.recorder.flush();
  // While leased, a block counts as reserved for everyone else.
  const during = await windows(db);
  assert.ok(during.every((w) => w.reserved > 0 && w.spent <= 100 * 400 + 100 * 1_500));
  await gw.leases[Symbol.asyncDispose]();
  await gw.recorder[Symbol.asyncDispose]();
  const spent = 100 * 400 + 100 * 1_500;
  assert.deepEqual(await windows(db), [
    { budget: "org", spent, reserved: 0 },
    { budget: "per-user", spent, reserved: 0 },
  ]);
  assert.equal((await db.one<{ n: number }>("select count(*)::int as n from llm_budget_reservations")).n, 0);
});

Deno.test(`llm budget leases (${mode}): the end of a budget is reserved call by call, to the last call`, async () => {
  await using db = await openTestDb();
  const budgets = [org(100_000), user];
  let admitted = 0;
  // Waves of 10 concurrent calls, each costing its estimate: 100,000 µ$ fit exactly 100 of them.
  const first = gateway(db, { maxCalls: 8 });
  for (let wave = 0; wave < 15; wave++) {
    const results = await Promise.all(Array.from({ length: 10 }, () => first.call(budgets, 1_000, 1_000)));
    admitted += results.filter(Boolean).length;
    await first.recorder.flush();
  }
  assert.ok(first.leased() > 0, "leases served the start of the budget");
  await first.leases[Symbol.asyncDispose]();
  await first.recorder[Symbol.asyncDispose]();
  // A lease held when the budget ran low could only delay calls, never lose budget: once it is
  // released (at expiry; here at shutdown) the rest is there for the next calls, and no more.
  const second = gateway(db, { maxCalls: 8 });
  for (let i = 0; i < 20; i++) if (await second.call(budgets, 1_000, 1_000)) admitted++;
  await second.leases[Symbol.asyncDispose]();
  await second.recorder[Symbol.asyncDispose]();
  assert.equal(admitted, 100);
  assert.deepEqual(await windows(db), [
    { budget: "org", spent: 100_000, reserved: 0 },
    { budget: "per-user", spent: 100_000, reserved: 0 },
  ]);
});

Deno.test(`llm budget leases (${mode}): an expired lease is released once its last call settles`, async () => {
  await using db = await openTestDb();
  const gw = gateway(db, { ttlMs: 100 });
  const budgets = [org(1_000_000_000)];
  for (let i = 0; i < 12; i++) await gw.call(budgets, 1_000, 10);
  await gw.leases.settled();
  assert.ok(gw.leases.held() > 0);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(gw.leases.held(), 0, "expired");
  await gw.recorder.flush();
  assert.deepEqual(await windows(db), [{ budget: "org", spent: 120, reserved: 0 }]);
  await gw.leases[Symbol.asyncDispose]();
  await gw.recorder[Symbol.asyncDispose]();
});
