/**
 * The hook surface decides like the scanner in process: a deterministic sample of the public corpus
 * (every 10th item of each file) goes through `POST /api/public/hooks/govern` as one `Write` call
 * per item, each in its own session, and every verdict equals the in-process one (blocked ⇔ the
 * scanner reports a finding). Deny texts follow ARCHITECTURE §6.
 */
import assert from "node:assert/strict";
import { testDbMode } from "./support/db.ts";
import { openTestApp } from "./support/test_app.ts";
import { decide, type Item, loadCorpus } from "./scanner_corpus.ts";
import { governItems } from "./scanner_feed.ts";

const mode = testDbMode();

function sample(items: readonly Item[]): Item[] {
  const byFile = new Map<string, Item[]>();
  for (const item of items) byFile.set(item.file, [...(byFile.get(item.file) ?? []), item]);
  return [...byFile.values()].flatMap((list) => list.filter((_, i) => i % 10 === 0));
}

const DENY_TEXT =
  /^\[GOVERNANCE\] secret detected: .+ at tool_input\.\S* \(.*\.\.\.\[REDACTED\]\)(?: \(\+\d+ more\))?$/;

Deno.test(`scanner e2e (${mode}): every 10th corpus item gets the same verdict through the hook`, async () => {
  await using t = await openTestApp();
  const items = sample(loadCorpus());
  const inProcess = decide(items);
  const viaHook = await governItems(t.app, t.adminToken, items);
  const disagree = viaHook.flatMap((v, i) => {
    const local = inProcess[i]?.blocked;
    return v.blocked === local
      ? []
      : [`${v.item.id}: hook ${v.blocked ? "deny" : "allow"}, in-process ${local}`];
  });
  assert.deepEqual(disagree, []);
  assert.ok(items.length >= 110, `sample of ${items.length}`);
  for (const v of viaHook.filter((v) => v.blocked)) assert.match(v.reason ?? "", DENY_TEXT, v.item.id);
  const rows = await t.ctx.db.many<{ n: number }>("select count(*)::int as n from governance_decisions");
  assert.equal(rows[0]?.n, items.length, "one audited decision per item");
});
