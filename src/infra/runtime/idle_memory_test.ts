import assert from "node:assert/strict";
import type { Logger } from "@shared/logger.ts";
import { startIdleMemory } from "./idle_memory.ts";

const MIB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A resident set the test sets, and a trim that brings it back to `floor`, counted. */
function fakeMemory(floor: number) {
  const state = { resident: floor, trims: 0, events: [] as string[] };
  const log: Logger = {
    debug: (event) => void state.events.push(event),
    info: (event) => void state.events.push(event),
    warn: (event) => void state.events.push(event),
    error: (event) => void state.events.push(event),
    child: () => log,
  };
  return {
    state,
    log,
    trim: () => {
      state.trims++;
      state.resident = floor;
    },
    residentBytes: () => state.resident,
  };
}

Deno.test("idle memory: one trim after a burst, once the requests have stopped for quietMs", async () => {
  const m = fakeMemory(100 * MIB);
  using idle = startIdleMemory({ log: m.log, trim: m.trim, residentBytes: m.residentBytes, quietMs: 30 });
  m.state.resident = 200 * MIB;
  // Requests every 5 ms for 150 ms: never quiet, never trimmed.
  for (let i = 0; i < 30; i++) {
    idle.touch();
    await sleep(5);
  }
  assert.equal(m.state.trims, 0);
  await sleep(100); // between one and two quiet periods after the last request
  assert.equal(m.state.trims, 1);
  assert.deepEqual(m.state.events, ["runtime.memory_trimmed"]);
  assert.equal(m.state.resident, 100 * MIB);
  await sleep(100); // quiet goes on: nothing more
  assert.equal(m.state.trims, 1);
});

Deno.test("idle memory: no trim without growth since the last, and another after a burst that grew", async () => {
  const m = fakeMemory(100 * MIB);
  using idle = startIdleMemory({
    log: m.log,
    trim: m.trim,
    residentBytes: m.residentBytes,
    quietMs: 20,
    minGrowthBytes: 16 * MIB,
  });
  m.state.resident = 110 * MIB; // grew, but by less than 16 MiB
  idle.touch();
  await sleep(80);
  assert.equal(m.state.trims, 0);
  m.state.resident = 140 * MIB;
  idle.touch();
  await sleep(80);
  assert.equal(m.state.trims, 1);
  m.state.resident = 130 * MIB;
  idle.touch();
  await sleep(80);
  assert.equal(m.state.trims, 2);
});

Deno.test("idle memory: a trim that throws is logged and the server goes on", async () => {
  const m = fakeMemory(100 * MIB);
  using idle = startIdleMemory({
    log: m.log,
    trim: () => {
      throw new Error("no");
    },
    residentBytes: m.residentBytes,
    quietMs: 20,
  });
  m.state.resident = 200 * MIB;
  idle.touch();
  await sleep(80);
  assert.deepEqual(m.state.events, ["runtime.memory_trim_failed", "runtime.memory_trimmed"]);
  idle.touch(); // no growth since (the baseline moved): no second attempt
  await sleep(80);
  assert.equal(m.state.events.length, 2);
});

Deno.test("idle memory: disposed, it trims no more", async () => {
  const m = fakeMemory(100 * MIB);
  const idle = startIdleMemory({ log: m.log, trim: m.trim, residentBytes: m.residentBytes, quietMs: 20 });
  m.state.resident = 200 * MIB;
  idle.touch();
  idle[Symbol.dispose]();
  await sleep(80);
  assert.equal(m.state.trims, 0);
});
