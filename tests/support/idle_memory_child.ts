/**
 * The child of tests/idle_memory_test.ts, run with the server's own V8 flags and permissions: grows
 * the heap the way a burst of requests does (objects that live a little while, so they reach the
 * old generation), lets go of them, then lets startIdleMemory trim. Prints the resident set before
 * and after as JSON.
 */
import { silentLogger } from "@shared/logger.ts";
import { startIdleMemory } from "@infra/runtime/idle_memory.ts";

const rss = () => Deno.memoryUsage().rss;
const idle = startIdleMemory({ log: silentLogger, quietMs: 100 }); // at start, as the server makes it
let held: unknown[][] = [];
for (let round = 0; round < 3_000; round++) {
  held.push(
    Array.from({ length: 500 }, (_, i) => ({ i, text: `${"x".repeat(48)}${round}`, list: [1, 2, 3] })),
  );
  if (held.length > 40) held = held.slice(20);
  if (round % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
}
held = [];
const before = rss();
idle.touch();
await new Promise((resolve) => setTimeout(resolve, 500));
console.log(JSON.stringify({ before, after: rss() }));
idle[Symbol.dispose]();
