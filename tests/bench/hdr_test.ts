import assert from "node:assert/strict";
import { bucketOf, createHistogram, summarize, upperBoundOf } from "./hdr.ts";

Deno.test("bucketOf() keeps values below 1,024 µs exact and larger ones within 0.2 %", () => {
  for (const us of [0, 1, 500, 1023]) assert.equal(upperBoundOf(bucketOf(us)), us);
  for (let us = 1024; us < 50_000_000; us = Math.ceil(us * 1.0137)) {
    const upper = upperBoundOf(bucketOf(us));
    assert.ok(upper >= us, `${us} → ${upper}`);
    assert.ok((upper - us) / us <= 1 / 512, `${us} → ${upper}`);
  }
});

Deno.test("bucketOf() is monotonic across power-of-two boundaries", () => {
  for (let k = 10; k < 30; k++) {
    const edge = 2 ** k;
    assert.ok(bucketOf(edge - 1) < bucketOf(edge), `edge ${edge}`);
    assert.ok(bucketOf(edge) <= bucketOf(edge + 1));
  }
});

Deno.test("percentile() reports the nearest-rank value of a uniform distribution", () => {
  const h = createHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i / 1000); // 1 µs … 1,000 µs
  const s = summarize(h);
  assert.equal(s.count, 1000);
  assert.equal(s.p50, 0.5);
  assert.equal(s.p99, 0.99);
  assert.equal(s.max, 1);
  assert.ok(Math.abs(s.mean - 0.5005) < 0.001);
});

Deno.test("merge() adds counts so percentiles cover both histograms", () => {
  const a = createHistogram();
  const b = createHistogram();
  for (let i = 0; i < 99; i++) a.record(1);
  b.record(250);
  a.merge(b);
  assert.equal(a.count, 100);
  assert.equal(a.percentile(50), 1);
  assert.ok(Math.abs(a.percentile(100) - 250) / 250 < 0.002);
  assert.equal(a.max(), 250);
});

Deno.test("an empty histogram summarises to zeros", () => {
  assert.deepEqual(summarize(createHistogram()), {
    count: 0,
    p50: 0,
    p90: 0,
    p99: 0,
    p999: 0,
    max: 0,
    mean: 0,
  });
});
