import assert from "node:assert/strict";
import { costMicros, estimateMicros, formatUsd } from "./pricing.ts";

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_input_tokens: cacheRead,
  cache_creation_input_tokens: cacheWrite,
});
const sonnet = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };

Deno.test("costMicros() prices every token component exactly (USD/M = µ$/token)", () => {
  assert.equal(costMicros(usage(1234, 567, 890, 10), sonnet), 3702 + 8505 + 267 + 37.5 + 0.5);
  assert.equal(costMicros(usage(1_000_000, 0), sonnet), 3_000_000);
});

Deno.test("costMicros() rounds the sum half-up once, without float drift", () => {
  const mini = { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0.15 };
  assert.equal(costMicros(usage(10, 0), mini), 2); // 1.5 → 2
  assert.equal(costMicros(usage(3, 0), mini), 0); // 0.45 → 0
  assert.equal(costMicros(usage(10, 3, 100), mini), 11); // 1.5 + 1.8 + 7.5 = 10.8
  assert.equal(costMicros(usage(7, 0), { input: 0.1, output: 0, cacheRead: 0, cacheWrite: 0 }), 1); // 0.7
  // 0.1 × 5 + 0.2 × 5 = 1.5 exactly, although 0.1 + 0.2 is not 0.3 in binary floating point.
  assert.equal(costMicros(usage(5, 5), { input: 0.1, output: 0.2, cacheRead: 0, cacheWrite: 0 }), 2);
});

Deno.test("costMicros() of an unpriced model is 0; estimateMicros() charges chars ÷ 4 and the whole max_tokens", () => {
  assert.equal(costMicros(usage(100, 100), undefined), 0);
  assert.equal(estimateMicros(401, 1000, sonnet), 101 * 3 + 1000 * 15);
});

Deno.test("formatUsd() shows microdollars as dollars", () => {
  assert.equal(formatUsd(1_234_567), "$1.234567");
  assert.equal(formatUsd(100), "$0.000100");
  assert.equal(formatUsd(-5), "-$0.000005");
});
