import assert from "node:assert/strict";
import { CoarseDeadlines } from "./coarse_deadlines.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(done: () => boolean, ms = 2000): Promise<void> {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) await sleep(5);
}

Deno.test("a deadline fires once, not before its length less the slack; a cleared one never does", async () => {
  const deadlines = new CoarseDeadlines(() => performance.now(), 10);
  const fired: string[] = [];
  const started = performance.now();
  let firedAt = 0;
  deadlines.start(60, () => {
    fired.push("a");
    firedAt = performance.now() - started;
  });
  deadlines.start(60, () => fired.push("b")).clear();
  assert.equal(deadlines.size, 1);
  await until(() => fired.length > 0);
  await sleep(100);
  assert.deepEqual(fired, ["a"]);
  assert.ok(firedAt >= 50, `fired after ${firedAt} ms`);
  assert.equal(deadlines.size, 0);
});

Deno.test("touch() restarts the count; a shorter deadline added later still fires first", async () => {
  const deadlines = new CoarseDeadlines(() => performance.now(), 5);
  const fired: [string, number][] = [];
  const started = performance.now();
  const long = deadlines.start(80, () => fired.push(["touched", performance.now() - started]));
  await sleep(50);
  const touchedAt = performance.now() - started;
  long.touch();
  deadlines.start(30, () => fired.push(["short", performance.now() - started]));
  await until(() => fired.length === 2);
  assert.deepEqual(fired.map(([name]) => name), ["short", "touched"]);
  assert.ok(fired[1]![1] >= touchedAt + 75, `the touched one fired at ${fired[1]![1]} ms`);
});

Deno.test("an expiry that throws does not stop the others; nothing is left running", async () => {
  const deadlines = new CoarseDeadlines(() => performance.now(), 5);
  const fired: string[] = [];
  deadlines.start(20, () => {
    throw new Error("boom");
  });
  deadlines.start(20, () => fired.push("second"));
  await until(() => fired.length > 0);
  assert.deepEqual(fired, ["second"]);
  assert.equal(deadlines.size, 0);
});
