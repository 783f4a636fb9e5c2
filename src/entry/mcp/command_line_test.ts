import assert from "node:assert/strict";
import { splitCommandLine } from "./command_line.ts";

Deno.test("splitCommandLine() splits words and honours quotes and escapes", () => {
  assert.deepEqual(splitCommandLine("admin users list"), ["admin", "users", "list"]);
  assert.deepEqual(splitCommandLine(`  infra db query "select 'a b' as x"  `), [
    "infra",
    "db",
    "query",
    "select 'a b' as x",
  ]);
  assert.deepEqual(splitCommandLine(`a 'b "c"' d\\ e "" x"y"z`), ["a", 'b "c"', "d e", "", "xyz"]);
  assert.deepEqual(splitCommandLine(`say "\\"hi\\" \\\\ \\n"`), ["say", '"hi" \\ \\n']);
  assert.equal(splitCommandLine(`echo "open`), undefined);
  assert.deepEqual(splitCommandLine(""), []);
});
