import assert from "node:assert/strict";
import { testDbMode } from "./support/db.ts";
import { createCliHome } from "./support/cli_home.ts";
import { runCliCaptured } from "./support/cli_io.ts";

const mode = testDbMode();

/** §4: `admin setup` takes provider keys from the environment and stores them in the vault. */
Deno.test(`admin setup (${mode}) --secrets-from-env stores organisation secrets without echoing them`, async () => {
  await using base = await createCliHome("sp_setup_secrets_");
  const home = base.home;
  const canary = `sk-ant-canary-${crypto.randomUUID()}`;
  const env: Record<string, string> = { ...base.env, SP_TEST_PROVIDER_KEY: canary };
  const setup = await runCliCaptured(
    [
      "--json",
      "admin",
      "setup",
      "--non-interactive",
      "--secrets-from-env",
      "anthropic=SP_TEST_PROVIDER_KEY",
    ],
    env,
    home,
  );
  assert.equal(setup.code, 0, setup.stderr);
  assert.deepEqual(JSON.parse(setup.stdout).vault_secrets_stored, ["anthropic"]);
  const list = await runCliCaptured(["--json", "admin", "secrets", "list"], env, home);
  assert.equal(list.code, 0, list.stderr);
  const items = JSON.parse(list.stdout).items as { owner: string; name: string }[];
  assert.ok(items.some((i) => i.owner === "org" && i.name === "anthropic"), list.stdout);
  for (const out of [setup.stdout, setup.stderr, list.stdout, list.stderr]) {
    assert.ok(!out.includes(canary));
  }
  const missing = await runCliCaptured(
    ["admin", "setup", "--secrets-from-env", "x=NOPE_NOT_SET"],
    env,
    home,
  );
  assert.equal(missing.code, 2);
});
