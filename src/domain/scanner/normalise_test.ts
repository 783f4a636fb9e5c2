import assert from "node:assert/strict";
import { normalise } from "./normalise.ts";
import { mapSpan } from "./offsets.ts";

Deno.test("normalise() leaves plain ASCII untouched and maps nothing", () => {
  assert.deepEqual(normalise("plain ascii text"), {
    text: "plain ascii text",
    regions: undefined,
    hidden: false,
  });
});

Deno.test("normalise() strips zero-width, bidi, soft hyphen and tag characters and reports them", () => {
  for (const hidden of ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2066", "\u{E0041}"]) {
    const n = normalise(`ab${hidden}cd`);
    assert.equal(n.text, "abcd", JSON.stringify(hidden));
    assert.equal(n.hidden, true);
  }
});

Deno.test("normalise() folds fullwidth forms (NFKC) and Cyrillic/Greek look-alikes to ASCII", () => {
  assert.equal(normalise("ｓｋ－ａｎｔ－").text, "sk-ant-");
  assert.equal(normalise("ѕk-аnt-арі03").text, "sk-ant-api03");
  assert.equal(normalise("АКІА").text, "AKIA");
  assert.equal(normalise("хаі—key").text, "xai-key");
  assert.equal(normalise("비밀번호").text, "비밀번호");
});

Deno.test("normalise() drops ANSI colour sequences without calling them hidden", () => {
  const n = normalise("\x1b[93msk-abc\x1b[0m");
  assert.equal(n.text, "sk-abc");
  assert.equal(n.hidden, false);
});

Deno.test("offsets of the normalised text lead back to the original characters", () => {
  const original = "x=\u200bＡＢ\u200bcd";
  const n = normalise(original);
  assert.equal(n.text, "x=ABcd");
  const [start, end] = mapSpan(n.regions ?? [], 2, 6);
  assert.equal(original.slice(start, end), "ＡＢ\u200bcd");
});
