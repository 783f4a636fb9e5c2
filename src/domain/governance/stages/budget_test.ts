import assert from "node:assert/strict";
import type { Subject } from "../types.ts";
import { type BudgetPort, createBudget } from "./budget.ts";

const subject: Subject = {
  userId: "u",
  email: "u@example.com",
  scope: "user",
  roles: ["user"],
  department: null,
  sessionId: "s",
};
const charge = { reservationId: "r", estimateMicros: 10, agentId: null, apiKey: null };

Deno.test("budget stage: n/a without a charge or without a port; the port's verdict otherwise", async () => {
  const seen: boolean[] = [];
  const port: BudgetPort = {
    admit: (_subject, c, dryRun) => {
      seen.push(dryRun);
      return Promise.resolve(
        c.estimateMicros > 5
          ? { admitted: false, reason: "budget exceeded: x; retry after 9s", detail: "x exhausted" }
          : { admitted: true, detail: "reserved" },
      );
    },
  };
  const target = { surface: "llm" as const, event: "messages", toolName: "llm:m" };
  assert.equal((await createBudget(port).evaluate({ subject, target, dryRun: false })).result, "n/a");
  assert.equal(
    (await createBudget(undefined).evaluate({ subject, target: { ...target, charge }, dryRun: false }))
      .result,
    "n/a",
  );
  assert.deepEqual(
    await createBudget(port).evaluate({ subject, target: { ...target, charge }, dryRun: true }),
    {
      result: "fail",
      reason: "budget exceeded: x; retry after 9s",
      detail: "x exhausted",
    },
  );
  const small = { ...charge, estimateMicros: 1 };
  assert.deepEqual(
    await createBudget(port).evaluate({ subject, target: { ...target, charge: small }, dryRun: false }),
    {
      result: "pass",
      detail: "reserved",
    },
  );
  assert.deepEqual(seen, [true, false]);
});
