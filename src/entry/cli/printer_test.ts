import assert from "node:assert/strict";
import { renderResult } from "./printer.ts";

Deno.test("renderResult() prints --json lists as columns and items", () => {
  const out = renderResult({ kind: "list", columns: ["x"], items: [{ x: 1 }] }, "json");
  assert.equal(out, '{"columns":["x"],"items":[{"x":1}]}\n');
});

Deno.test("renderResult() aligns text tables and says when there are no rows", () => {
  const out = renderResult({
    kind: "list",
    columns: ["name", "n"],
    items: [{ name: "users", n: 10 }, { name: "a", n: null }],
  }, "text");
  assert.equal(out, "NAME   N\nusers  10\na\n");
  assert.match(renderResult({ kind: "list", columns: ["a"], items: [] }, "text"), /\(no rows\)/);
});

Deno.test("renderResult() encodes bytes and dates in JSON without throwing", () => {
  const out = renderResult(
    { kind: "object", value: { b: new Uint8Array([1, 255]), t: new Date(0) } },
    "json",
  );
  assert.equal(out, '{"b":"\\\\x01ff","t":"1970-01-01T00:00:00.000Z"}\n');
});
