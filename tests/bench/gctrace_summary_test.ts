import assert from "node:assert/strict";
import { firstStretch, parseGcTrace } from "./gctrace_summary.ts";

const line = (t: number, fields: Record<string, unknown>) =>
  `[123:0x55d0:0] ${String(t).padStart(8)} ms: GC: ${JSON.stringify(fields)}\n`;

Deno.test("parseGcTrace() reads V8's nvp lines and skips what is not one", () => {
  const text = "ready on :8080\n" +
    line(15, { pause: 0.4, gc: "s", allocated: 1000, promoted: 10 }) +
    '[123:0x55d0:0]       16 ms: GC: {"pause": cut\n' +
    line(2339, { pause: 3.9, gc: "mc", reduce_memory: false, allocated: 500, promoted: 5 });
  const events = parseGcTrace(text);
  assert.deepEqual(events.map((e) => [e.t, e.gc, e.allocated, e.promoted]), [[15, "s", 1000, 10], [
    2339,
    "mc",
    500,
    5,
  ]]);
});

Deno.test("firstStretch() sums one busy stretch up to the first quiet gap, majors listed apart", () => {
  const busy = Array.from(
    { length: 60 },
    (_, i) => line(1000 + i * 50, { gc: "s", allocated: 4e6, promoted: 3e5 }),
  );
  const text = busy.join("") +
    line(2400, { gc: "mc", pause: 6.4, allocated: 1e6, promoted: 0 }) +
    line(9000, { gc: "s", allocated: 4e6, promoted: 3e5 }) + // after the gap: the next phase
    line(20000, { gc: "mc", pause: 30, reduce_memory: true, allocated: 0, promoted: 0 });
  const s = firstStretch(parseGcTrace(text), 3000, 50e6);
  assert.equal(s.scavenges, 60);
  assert.equal(s.allocatedBytes, 60 * 4e6 + 1e6);
  assert.equal(s.promotedBytes, 60 * 3e5);
  assert.deepEqual(s.majors, [{ t: 2400, pause: 6.4 }]);
  assert.equal(s.endMs, 2400);
});
