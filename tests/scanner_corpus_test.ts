/**
 * Secret-scanner quality floors on the public corpus (scored by `scanner_corpus.ts`). Floors are
 * what the scanner achieves today; raise them when it improves.
 */
import assert from "node:assert/strict";
import { scanText } from "../src/domain/scanner/mod.ts";
import { decide, loadCorpus, macroF1, OPTIONS, report, score } from "./scanner_corpus.ts";

Deno.test("secret scanner meets its quality floors on the public corpus", () => {
  const decisions = decide(loadCorpus());
  console.log(`\n${report(decisions)}`);
  const main = score("main", decisions.filter((d) => d.item.file !== "evasions.jsonl"));
  const positives = score("positives", decisions.filter((d) => d.item.file === "positives.jsonl"));
  const evasions = score("evasions", decisions.filter((d) => d.item.file === "evasions.jsonl"));
  const negatives = decisions.filter((d) => d.item.file === "negatives.jsonl");
  assert.ok(positives.recall >= 0.99, `positives recall ${positives.recall}`);
  assert.ok(evasions.recall >= 0.99, `evasions recall ${evasions.recall}`);
  assert.ok(main.precision >= 0.995, `precision ${main.precision}`);
  assert.ok(negatives.filter((d) => d.blocked).length <= 2, "false-positive rate above 0.5%");
  assert.ok(macroF1(decisions.filter((d) => d.item.file !== "evasions.jsonl")) >= 0.99);
  for (const kind of ["uuid", "hash", "git_sha", "integrity", "mcp", "model_name", "path", "url"]) {
    assert.deepEqual(
      negatives.filter((d) => d.item.family === kind && d.blocked).map((d) => d.item.id),
      [],
      kind,
    );
  }
});

Deno.test("scanText() on the raw corpus text agrees with the gateway feeding rule", () => {
  const disagreements = decide(loadCorpus())
    .filter((d) => (scanText(d.item.text, "prompt.text", OPTIONS).findings.length > 0) !== d.blocked)
    .map((d) => d.item.id);
  assert.deepEqual(disagreements, []);
});
