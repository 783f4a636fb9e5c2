import assert from "node:assert/strict";
import { createReserveQueue } from "@app/llm_reserve_queue.ts";
import { type BoundBudget, reserveBudgetsBatch, settleBudgetsBatch } from "@domain/llm/mod.ts";
import { newUuidV7 } from "@shared/ids.ts";
import { openTestDb, testDbMode } from "./support/db.ts";

const mode = testDbMode();

const org: BoundBudget = {
  name: "org",
  key: "organization",
  label: "the organisation",
  window: "month",
  limitMicros: 5_000,
  enforce: true,
};
const user = (id: string, limitMicros: number, enforce = true): BoundBudget => ({
  name: "per-user",
  key: `user:${id}`,
  label: id,
  window: "day",
  limitMicros,
  enforce,
});
const id = () => newUuidV7(Date.now());

Deno.test(`llm reserve batch (${mode}): in order, each as if alone; shadow noted, enforced denies`, async () => {
  await using db = await openTestDb();
  const results = await reserveBudgetsBatch(db, [
    { reservationId: id(), budgets: [org, user("a", 2_500)], amountMicros: 2_000 },
    { reservationId: id(), budgets: [org, user("a", 2_500)], amountMicros: 1_000 }, // a has 500 left
    { reservationId: id(), budgets: [org, user("b", 500, false)], amountMicros: 1_000 }, // shadow only
    { reservationId: id(), budgets: [org, user("c", 9_000)], amountMicros: 2_500 }, // org has 2,000 left
    { reservationId: id(), budgets: [user("c", 9_000)], amountMicros: 9_000 },
  ]);
  assert.deepEqual(results.map((r) => r.admitted), [true, false, true, false, true]);
  const [, a, b, c] = results;
  assert.ok(a && !a.admitted && a.budget.key === "user:a" && a.remainingMicros === 500);
  assert.deepEqual(b, { admitted: true, shadowExceeded: ["per-user"] });
  assert.ok(c && !c.admitted && c.budget.key === "organization" && c.remainingMicros === 2_000);
  const windows = await db.many<{ key: string; reserved: number }>(
    "select subject_key as key, reserved_micros::int8 as reserved from llm_budget_windows order by 1",
  );
  assert.deepEqual(windows, [
    { key: "organization", reserved: 3_000 },
    { key: "user:a", reserved: 2_000 },
    { key: "user:b", reserved: 1_000 },
    { key: "user:c", reserved: 9_000 },
  ]);
});

Deno.test(`llm reserve batch (${mode}): the queue group-commits concurrent reservations and never overspends`, async () => {
  await using db = await openTestDb();
  const reserve = createReserveQueue(db);
  const ids = Array.from({ length: 40 }, id);
  const results = await Promise.all(
    ids.map((reservationId) =>
      reserve({ reservationId, budgets: [org, user("x", 100_000)], amountMicros: 400 })
    ),
  );
  assert.equal(results.filter((r) => r.admitted).length, 12, "5,000 µ$ fit twelve 400 µ$ calls");
  // Settling every admitted one at 100 µ$ in one batch leaves 1,200 spent and nothing reserved.
  const admitted = ids.filter((_, i) => results[i]!.admitted);
  const settled = await settleBudgetsBatch(
    db,
    admitted.map((reservationId) => ({ reservationId, actualMicros: 100 })),
  );
  assert.equal(settled, 12);
  const orgWindow = await db.one<{ spent: number; reserved: number }>(
    "select spent_micros::int8 as spent, reserved_micros::int8 as reserved from llm_budget_windows where budget = 'org'",
  );
  assert.deepEqual(orgWindow, { spent: 1_200, reserved: 0 });
  assert.equal(
    await settleBudgetsBatch(db, admitted.map((reservationId) => ({ reservationId, actualMicros: 100 }))),
    0,
  );
});
