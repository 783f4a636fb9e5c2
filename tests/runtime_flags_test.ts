import assert from "node:assert/strict";
import { V8_FLAGS } from "../scripts/compile.ts";

Deno.test("deno task start runs the server with the V8 settings of the compiled binary", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))) as {
    tasks: Record<string, string>;
  };
  assert.match(V8_FLAGS, /^--v8-flags=--max-semi-space-size=\d+,--initial-old-space-size=\d+,--expose-gc$/);
  assert.ok(config.tasks["start"]?.split(" ").includes(V8_FLAGS), config.tasks["start"]);
});
