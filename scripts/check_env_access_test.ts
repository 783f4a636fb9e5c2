import assert from "node:assert/strict";
import { findEnvAccess, isChecked } from "./check_env_access.ts";

Deno.test("isChecked() covers src/ except src/entry/", () => {
  assert.equal(isChecked("src/infra/config/load.ts"), true);
  assert.equal(isChecked("src/domain/identity/mod.ts"), true);
  assert.equal(isChecked("src/entry/cli/main.ts"), false);
  assert.equal(isChecked("main.ts"), false);
  assert.equal(isChecked("scripts/check.ts"), false);
  assert.equal(isChecked("tests/app_test.ts"), false);
});

Deno.test("findEnvAccess() reports each use of Deno.env and Deno.args with its line", () => {
  const source = [
    "const a = 1;",
    'const port = Deno.env.get("PORT");',
    "main(Deno.args); const e = Deno . env;",
    'const x = Deno["env"];',
    "const y = Deno?.args;",
  ].join("\n");
  assert.deepEqual(findEnvAccess(source), [
    { line: 2, api: "Deno.env" },
    { line: 3, api: "Deno.args" },
    { line: 3, api: "Deno.env" },
    { line: 4, api: "Deno.env" },
    { line: 5, api: "Deno.args" },
  ]);
});

Deno.test("findEnvAccess() ignores comments", () => {
  const source = [
    "// Deno.env is read in src/entry/",
    "/* Deno.args */",
    " * Deno.env in a doc comment",
    'fetch("https://example.com"); // Deno.env trailing comment',
    "const environment = MyDeno.envelope;",
  ].join("\n");
  assert.deepEqual(findEnvAccess(source), []);
});
