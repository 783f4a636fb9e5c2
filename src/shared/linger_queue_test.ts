import assert from "node:assert/strict";
import { createLingerQueue } from "./linger_queue.ts";

/** No write in these tests fails: an error surfaces as an unhandled rejection. */
const unexpected = (error: unknown) => {
  throw error;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A `write` that records each batch and finishes only when the test releases it. */
function heldWrites() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const write = (batch: number[]) => {
    batches.push(batch);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  return { batches, releases, write };
}

Deno.test("linger queue: what arrives during a write waits for the next linger instead of following at once", async () => {
  const w = heldWrites();
  const queue = createLingerQueue<number>({
    lingerMs: 150,
    maxBatch: 100,
    write: w.write,
    onError: unexpected,
  });
  queue.push(1);
  queue.push(2);
  await sleep(20);
  assert.deepEqual(w.batches, [], "the first item waits for company");
  while (w.batches.length === 0) await sleep(10);
  assert.deepEqual(w.batches, [[1, 2]]);
  queue.push(3);
  queue.push(4);
  w.releases[0]!();
  await sleep(20);
  assert.deepEqual(w.batches, [[1, 2]], "no one-row batch right behind the first");
  assert.equal(queue.depth(), 2);
  while (w.batches.length === 1) await sleep(10);
  assert.deepEqual(w.batches, [[1, 2], [3, 4]]);
  w.releases[1]!();
  await queue.flush();
  assert.equal(queue.depth(), 0);
});

Deno.test("linger queue: a full batch is written without lingering, the rest of the queue after it", async () => {
  const w = heldWrites();
  const queue = createLingerQueue<number>({
    lingerMs: 60_000,
    maxBatch: 3,
    write: w.write,
    onError: unexpected,
  });
  for (let i = 1; i <= 7; i++) queue.push(i);
  await sleep(0);
  assert.deepEqual(w.batches, [[1, 2, 3]]);
  w.releases[0]!();
  await sleep(0);
  assert.deepEqual(w.batches, [[1, 2, 3], [4, 5, 6]], "still a full batch queued: written at once");
  w.releases[1]!();
  await sleep(0);
  assert.deepEqual(w.batches.length, 2, "one item left: it lingers");
  const flushed = queue.flush();
  await sleep(0);
  assert.deepEqual(w.batches.at(-1), [7]);
  w.releases[2]!();
  await flushed;
});

Deno.test("linger queue: disposing writes what is queued; a failed write is reported and the queue carries on", async () => {
  const errors: unknown[] = [];
  const batches: number[][] = [];
  const queue = createLingerQueue<number>({
    lingerMs: 60_000,
    maxBatch: 10,
    write: (batch) => {
      batches.push(batch);
      return batch.includes(1) ? Promise.reject(new Error("database down")) : Promise.resolve();
    },
    onError: (error) => errors.push(error),
  });
  queue.push(1);
  await queue.flush();
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /database down/);
  queue.push(2);
  queue.push(3);
  await queue[Symbol.asyncDispose]();
  assert.deepEqual(batches, [[1], [2, 3]]);
  queue.push(4);
  await sleep(0);
  assert.deepEqual(batches.at(-1), [4], "once closed, nothing lingers");
});
