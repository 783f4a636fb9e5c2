import assert from "node:assert/strict";
import { decodedViews, type View } from "./decode.ts";

const root = (text: string): View => ({ text, depth: 0, map: (s, e) => [s, e] });
const texts = (text: string, budget = text.length * 4): string[] =>
  decodedViews(root(text), { remaining: budget }).map((v) => v.text);

Deno.test("decodedViews() decodes base64, base64url and hex runs of text", () => {
  assert.ok(texts(`data=${btoa("export TOKEN=abc123def")}`).includes("export TOKEN=abc123def"));
  const url = btoa("key??>>value~~").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  assert.ok(texts(`x ${url}`).includes("key??>>value~~"));
  const hex = [..."hello hex world 42"].map((c) => c.charCodeAt(0).toString(16)).join("");
  assert.ok(texts(hex).includes("hello hex world 42"));
});

Deno.test("decodedViews() ignores binary: digests, images and random base64 decode to nothing", () => {
  assert.deepEqual(texts("sha256:93a006130e70f9829cb98e5e44d00c2d898ea2755338531e0029bb8eda3b4398"), []);
  assert.deepEqual(texts("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGPYMKV"), []);
});

Deno.test("decodedViews() undoes percent-encoding, HTML entities and \\u escapes with offsets", () => {
  const percent = decodedViews(root("q=%67%68%70%5F&x=1"), { remaining: 100 });
  assert.equal(percent[0]?.text, "q=ghp_&x=1");
  assert.deepEqual(percent[0]?.map(2, 6), [2, 14]);
  assert.ok(texts("v=&#x67;&#104;p&lowbar;").includes("v=ghp_"));
  assert.ok(texts("v=\\u0067\\u0068p_").includes("v=ghp_"));
});

Deno.test("decodedViews() recurses at most two levels", () => {
  const secret = "deeply hidden value 42";
  assert.ok(texts(btoa(btoa(secret))).includes(secret));
  assert.ok(!texts(btoa(btoa(btoa(secret)))).includes(secret));
});

Deno.test("decodedViews() stops at its byte budget", () => {
  const blob = Array.from({ length: 20 }, (_, i) => btoa(`chunk number ${i} of plain text`)).join(" ");
  assert.ok(texts(blob).length >= 20);
  assert.ok(texts(blob, 60).length < 3);
});
