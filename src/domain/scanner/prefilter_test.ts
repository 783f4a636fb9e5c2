import assert from "node:assert/strict";
import type { Hit } from "./rule.ts";
import { RULE_INDEX, RULES } from "./rules.ts";
import { selectRules, whereOf } from "./prefilter.ts";
import { FIXTURES as F, fx } from "./test_support.ts";

/** Every rule run unrestricted on `text` (what the prefilter's selection and windows must equal). */
function unrestricted(text: string): Hit[] {
  const out: Hit[] = [];
  for (const rule of RULES) rule.find(text, out);
  return out;
}

function selected(text: string): Hit[] {
  const out: Hit[] = [];
  const s = selectRules(RULE_INDEX, text);
  for (const i of s.ids) RULES[i]?.find(text, out, whereOf(s, i));
  return out;
}

const key = (h: Hit) => `${h.ruleId}@${h.start}-${h.end}:${h.confidence}`;
const filler = (n: number) => "const value = compute(input) // some prose about tokens and keys\n".repeat(n);

Deno.test("prefilter: selection, keyword windows, positions and long runs find what unrestricted rules find", () => {
  const secrets = [
    `GITHUB_TOKEN=${F.ghp}`,
    `aws_secret_access_key = ${F.awsSecret}`,
    `password: "${F.password}"`,
    `Authorization: Bearer ${F.openaiProject}`,
    `mg key-${"3f9a2c7e".repeat(4)}`,
    `TWILIO_AUTH_TOKEN=${"9c1e4b7a".repeat(4)}`,
    fx("tg ", F.telegram),
    `api_key: ${fx("Zq8", "Lm2Vx9Rt4Wb7Kc1Nd6Pf3Hg5Js0Ty8Qa2")}`,
  ];
  const texts = [
    ...secrets,
    secrets.join("\n"),
    `${filler(40)}${secrets.join(`\n${filler(30)}`)}\n${filler(40)}`,
    `${filler(100)}${secrets[0]}`,
    `${secrets[1]}${filler(100)}`,
    `PASSWORD=${F.password} and Password = ${F.password}x`,
  ];
  for (const text of texts) {
    assert.deepEqual(selected(text).map(key).sort(), unrestricted(text).map(key).sort(), text.slice(0, 60));
  }
});

Deno.test("prefilter: keywords are matched ASCII case-insensitively, at the very start and end", () => {
  const ids = (t: string) => selectRules(RULE_INDEX, t).ids.map((i) => RULES[i]?.id);
  assert.ok(ids("PW").includes("generic-secret-field"), "two-character keyword ending the text");
  assert.ok(ids("Token").includes("high-entropy-token"));
  assert.ok(ids("비번:abc").includes("generic-secret-field"));
  assert.deepEqual(ids("nothing to see on this line"), []);
});

Deno.test("prefilter: a selection keeps its offsets after later selections reuse the scratch tables", () => {
  const a = `prose ${filler(3)} GITHUB_TOKEN=${F.ghp} and password: "${F.password}"`;
  const b = `aws_secret_access_key = ${F.awsSecret} ${filler(2)}`;
  const kept = selectRules(RULE_INDEX, a);
  const before = JSON.stringify(kept);
  for (let i = 0; i < 3; i++) selectRules(RULE_INDEX, i % 2 ? a : b);
  assert.equal(JSON.stringify(kept), before);
  const out: Hit[] = [];
  for (const i of kept.ids) RULES[i]?.find(a, out, whereOf(kept, i));
  assert.deepEqual(out.map(key), selected(a).map(key));
  assert.ok(out.length >= 2);
  assert.throws(() => whereOf(kept, RULES.length + 1), RangeError);
});
