import assert from "node:assert/strict";
import { PERMISSIONS, V8_FLAGS } from "../scripts/compile.ts";
import { REPO_ROOT } from "./support/process.ts";

const MIB = 1024 * 1024;

async function childRss(flags: readonly string[]): Promise<{ before: number; after: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...flags,
      "--config",
      `${REPO_ROOT}/deno.json`,
      `${REPO_ROOT}/tests/support/idle_memory_child.ts`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("a quiet server gives back what a burst grew, with the server's V8 flags and permissions", async () => {
  const served = await childRss([...PERMISSIONS, V8_FLAGS]);
  assert.ok(served.before > 120 * MIB, `the burst grew the process to ${served.before / MIB} MiB`);
  assert.ok(
    served.before - served.after > 60 * MIB,
    `trimmed from ${(served.before / MIB).toFixed(0)} to ${(served.after / MIB).toFixed(0)} MiB`,
  );
  // Without the flags (no `gc`, no libc), nothing is trimmed: the drop above is the trim's.
  const bare = await childRss(["--allow-read", "--allow-env"]);
  assert.ok(bare.before - bare.after < 16 * MIB, `${bare.before / MIB} → ${bare.after / MIB} MiB`);
});
