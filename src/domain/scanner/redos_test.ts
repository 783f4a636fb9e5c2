/**
 * Linear-time guard: every rule, and the whole pipeline, on 1 MiB adversarial inputs built from its
 * own keywords and from long runs of token alphabets. A super-linear rule takes seconds here.
 */
import assert from "node:assert/strict";
import type { Hit } from "./rule.ts";
import { RULE_INDEX, RULES } from "./rules.ts";
import { selectRules, whereOf } from "./prefilter.ts";
import { OPTIONS } from "./test_support.ts";
import { scanText } from "./scan.ts";

const MIB = 1024 * 1024;
const fill = (unit: string): string => unit.repeat(Math.ceil(MIB / unit.length)).slice(0, MIB);
/** Per rule and input; generous for a shared CI machine, far below what backtracking would need. */
const LIMIT_MS = 1500;

const GENERIC = [
  fill("a"),
  fill("A1b2"),
  fill("ab+/=_-"),
  fill("0"),
  fill("password=a"),
  fill("a:b@"),
  fill(" -u x -p "),
  fill("%4"),
  fill("&#x4"),
];

function timed(run: () => void): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

Deno.test("every rule runs in linear time on 1 MiB adversarial inputs", () => {
  for (const rule of RULES) {
    const inputs = [...GENERIC, ...rule.keywords.slice(0, 2).map((k) => fill(`${k}${k.toUpperCase()}a1`))];
    for (const input of inputs) {
      const out: Hit[] = [];
      const ms = timed(() => rule.find(input, out));
      assert.ok(
        ms < LIMIT_MS,
        `${rule.id} took ${ms.toFixed(0)} ms on ${JSON.stringify(input.slice(0, 12))}…`,
      );
    }
  }
});

Deno.test("every rule runs in linear time from the prefilter's offsets (windows, positions, long runs)", () => {
  const selections = new Map<string, ReturnType<typeof selectRules>>();
  RULES.forEach((rule, i) => {
    const inputs = [...GENERIC, ...rule.keywords.slice(0, 2).map((k) => fill(`${k}${k.toUpperCase()}a1`))];
    for (const input of inputs) {
      const selection = selections.get(input) ?? selectRules(RULE_INDEX, input);
      selections.set(input, selection);
      if (!selection.ids.includes(i)) continue;
      const ms = timed(() => rule.find(input, [], whereOf(selection, i)));
      assert.ok(
        ms < LIMIT_MS,
        `${rule.id} took ${ms.toFixed(0)} ms on ${JSON.stringify(input.slice(0, 12))}…`,
      );
    }
  });
});

Deno.test("the whole pipeline scans 1 MiB of adversarial text within the bound", () => {
  for (
    const input of [
      fill("password=Ab1 token: "),
      fill("ZXhwb3J0IFRPS0VO"),
      fill("%41&#x42;\\u0043"),
      fill("\u200b\u0430"),
    ]
  ) {
    const ms = timed(() => scanText(input, "t", OPTIONS));
    assert.ok(
      ms < 4 * LIMIT_MS,
      `pipeline took ${ms.toFixed(0)} ms on ${JSON.stringify(input.slice(0, 12))}…`,
    );
  }
});
