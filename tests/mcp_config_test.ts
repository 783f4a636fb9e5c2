import assert from "node:assert/strict";
import type { ConfigProblem } from "@infra/config/config_error.ts";
import { AppError } from "@shared/errors.ts";
import { REPO_ROOT } from "./support/process.ts";
import { createTestHome, loadTestConfig } from "./support/test_app.ts";

/** `services/mcp/*.yaml`: the demo configuration loads; mistakes are reported with file and key. */
Deno.test("the repository's services/mcp loads: the demo and systemprompt builtins, enabled", async () => {
  await using home = await createTestHome();
  const config = await loadTestConfig(home, { SYSTEMPROMPT_SERVICES: `${REPO_ROOT}/services` });
  assert.deepEqual(config.services.mcp.map((s) => [s.name, s.kind, s.enabled, s.file]), [
    ["demo", "builtin", true, "mcp/demo.yaml"],
    ["systemprompt", "builtin", true, "mcp/systemprompt.yaml"],
  ]);
});

Deno.test("invalid MCP server files are reported together, each with its file and key path", async () => {
  await using home = await createTestHome();
  const dir = `${home.home}/bad_services`;
  await Deno.mkdir(`${dir}/mcp`, { recursive: true });
  const files: Record<string, string> = {
    "http.yaml": "name: remote\nkind: http\n",
    "stdio.yaml": "name: local\nkind: stdio\ncommand: x\nurl: https://example.com\n",
    "env.yaml": 'name: envy\nkind: stdio\ncommand: x\nenv:\n  A: "pre ${secret:x}"\n  B: "secret:"\n',
    "typo.yaml": "name: demo\nkind: builtin\nenabeld: true\n",
    "names.yaml": "name: a__b\nkind: stdio\ncommand: x\n",
    "builtin.yaml": "name: mystery\nkind: builtin\n",
    "dup1.yaml": "name: twin\nkind: stdio\ncommand: x\n",
    "dup2.yaml": "name: twin\nkind: stdio\ncommand: y\n",
  };
  for (const [file, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/mcp/${file}`, text);
  const error = await loadTestConfig(home, { SYSTEMPROMPT_SERVICES: dir }).then(
    () => assert.fail("expected config.invalid"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError && error.code === "config.invalid", String(error));
  const problems = (error.data?.["problems"] ?? []) as ConfigProblem[];
  const seen = problems.map((p) => `${p.file.slice(dir.length + 1)}: ${p.path}`).sort();
  assert.deepEqual(seen, [
    "mcp/builtin.yaml: name",
    "mcp/dup2.yaml: name",
    "mcp/env.yaml: env.A",
    "mcp/env.yaml: env.B",
    "mcp/http.yaml: url",
    "mcp/names.yaml: name",
    "mcp/stdio.yaml: url",
    "mcp/typo.yaml: enabeld",
  ]);
  assert.match(error.message, /mcp\/dup2\.yaml: name: server twin is already defined in mcp\/dup1\.yaml/);
});
