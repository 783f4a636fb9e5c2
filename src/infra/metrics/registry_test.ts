import assert from "node:assert/strict";
import { MetricsRegistry } from "./registry.ts";

Deno.test("MetricsRegistry renders counters, histograms and gauges in Prometheus text", () => {
  const m = new MetricsRegistry();
  m.counter("reqs_total", "requests", { route: "/a" });
  m.counter("reqs_total", "requests", { route: "/a" });
  m.observe("lat_seconds", "latency", { route: "/a" }, 0.003);
  m.gauge("queue_depth", "depth", () => 4);
  const text = m.render();
  assert.match(text, /^reqs_total\{route="\/a"\} 2$/m);
  assert.match(text, /^lat_seconds_bucket\{route="\/a",le="0.0025"\} 0$/m);
  assert.match(text, /^lat_seconds_bucket\{route="\/a",le="0.005"\} 1$/m);
  assert.match(text, /^lat_seconds_bucket\{route="\/a",le="\+Inf"\} 1$/m);
  assert.match(text, /^lat_seconds_count\{route="\/a"\} 1$/m);
  assert.match(text, /^queue_depth 4$/m);
});

Deno.test("MetricsRegistry escapes label values", () => {
  const m = new MetricsRegistry();
  m.counter("c", "h", { path: 'a"b\\c' });
  assert.match(m.render(), /^c\{path="a\\"b\\\\c"\} 1$/m);
});
