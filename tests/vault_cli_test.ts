import assert from "node:assert/strict";
import { resolveSecretForCaller } from "@app/vault_resolve.ts";
import { createAppContext } from "@app/context.ts";
import { runCli } from "@entry/cli/main.ts";
import { resolveHome } from "@infra/config/home.ts";
import { loadConfig } from "@infra/config/load.ts";
import { systemClock } from "@shared/clock.ts";
import { silentLogger } from "@shared/logger.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { captureIo, type CliRun } from "./support/cli_io.ts";
import { testDbMode } from "./support/db.ts";
import { createUserWithToken } from "./support/hooks.ts";
import { adminChanges, call, expectExit, expectJson, expectProblem, makeUser } from "./support/identity.ts";
import { freePort, spawnSystemprompt, waitForOk } from "./support/process.ts";
import { openTestApp, type TestApp } from "./support/test_app.ts";
import { createVaultHome } from "./support/vault_home.ts";

const mode = testDbMode();
const CANARY = "sk-ant-canary-5be2d8f01c7a4e93b6";
const COLUMNS = ["owner", "name", "version", "created_at", "updated_at"];

/** A CLI run against the test app's context (the admin-channel path), fed `stdin`. */
async function cli(t: TestApp, argv: readonly string[], stdin?: string): Promise<CliRun> {
  const captured = captureIo();
  const code = await runCli(argv, {
    env: { SYSTEMPROMPT_HOME: t.home },
    cwd: t.home,
    io: captured.io,
    sharedContext: t.ctx,
    readStdin: () => (stdin === undefined ? Promise.reject(new Error("no stdin")) : Promise.resolve(stdin)),
  });
  const run = { code, stdout: captured.stdout(), stderr: captured.stderr() };
  assert.ok(!`${run.stdout}${run.stderr}`.includes(CANARY), "CLI output shows a value");
  return run;
}

function errorOf(run: CliRun, code: number): { code: string; message: string } {
  expectExit(run, code);
  return (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;
}

Deno.test(`admin secrets CLI (${mode}): set from stdin, list, rotate, delete; values never printed`, async (t) => {
  await using app = await openTestApp();
  await makeUser(app.ctx, "ann@example.com", ["user"], "eng");
  const set = (owner: string, name: string, value: string) =>
    cli(app, ["--json", "admin", "secrets", "set", "--owner", owner, "--name", name, "--value-stdin"], value);

  await t.step(
    "set reads the value from stdin (one trailing newline dropped) and prints metadata",
    async () => {
      const first = JSON.parse(expectExit(await set("org", "anthropic", `${CANARY}\n`), 0).stdout);
      assert.deepEqual(Object.keys(first).sort(), [...COLUMNS].sort());
      assert.deepEqual([first.owner, first.name, first.version], ["org", "anthropic", 1]);
      const again = JSON.parse(expectExit(await set("org", "anthropic", CANARY), 0).stdout);
      assert.equal(again.version, 2);
      const user = JSON.parse(expectExit(await set("user:ann@example.com", "github", CANARY), 0).stdout);
      const ann = await app.ctx.users.findByEmail("ann@example.com");
      assert.equal(user.owner, `user:${ann!.id}`);
      expectExit(await set("department:eng", "github", `${CANARY}-eng`), 0);
      const value = await resolveSecretForCaller(app.ctx, "anthropic", { userId: null, department: null });
      assert.equal(value.reveal(), CANARY);
    },
  );

  await t.step("list shows owners, names, versions and times only", async () => {
    const list = JSON.parse(expectExit(await cli(app, ["--json", "admin", "secrets", "list"]), 0).stdout);
    assert.deepEqual(list.columns, COLUMNS);
    assert.equal(list.items.length, 3);
    const text = expectExit(await cli(app, ["admin", "secrets", "list", "--owner", "org"]), 0).stdout;
    assert.match(text, /^OWNER\s+NAME\s+VERSION\s+CREATED_AT\s+UPDATED_AT\norg\s+anthropic\s+2\s/);
    assert.equal(text.trim().split("\n").length, 2);
  });

  await t.step("rotate re-encrypts one secret or the owner's data key", async () => {
    const rotated = JSON.parse(
      expectExit(
        await cli(app, ["--json", "admin", "secrets", "rotate", "--owner", "org", "--name", "anthropic"]),
        0,
      )
        .stdout,
    );
    assert.equal(rotated.version, 3);
    const dek = JSON.parse(
      expectExit(await cli(app, ["--json", "admin", "secrets", "rotate", "--owner", "org", "--data-key"]), 0)
        .stdout,
    );
    assert.deepEqual(dek, { owner: "org", retired_data_keys: 1 });
    const both = errorOf(
      await cli(app, ["--json", "admin", "secrets", "rotate", "--owner", "org", "--name", "x", "--data-key"]),
      2,
    );
    assert.equal(both.code, "cli.usage");
  });

  await t.step("delete removes it; a second delete is vault.secret_missing", async () => {
    const argv = ["--json", "admin", "secrets", "delete", "--owner", "org", "--name", "anthropic"];
    assert.equal(JSON.parse(expectExit(await cli(app, argv), 0).stdout).deleted, true);
    const again = errorOf(await cli(app, argv), 1);
    assert.deepEqual(again, { code: "vault.secret_missing", message: "secret anthropic is not set for org" });
  });

  await t.step("bad input is a usage error (exit 2) or a clean not-found (exit 1)", async () => {
    const base = ["--json", "admin", "secrets", "set", "--owner", "org", "--name", "n"];
    assert.match((errorOf(await cli(app, base, CANARY), 2)).message, /--value-stdin/);
    assert.match((errorOf(await cli(app, [...base, "--value-stdin"], "\n"), 2)).message, /empty/);
    const badOwner = [
      "--json",
      "admin",
      "secrets",
      "set",
      "--owner",
      "team:x",
      "--name",
      "n",
      "--value-stdin",
    ];
    assert.equal((errorOf(await cli(app, badOwner, CANARY), 2)).code, "cli.usage");
    const badName = ["--json", "admin", "secrets", "set", "--owner", "org", "--name", "a|b", "--value-stdin"];
    assert.equal((errorOf(await cli(app, badName, CANARY), 2)).code, "cli.usage");
    const nobody = errorOf(await set("user:nobody@example.com", "n", CANARY), 1);
    assert.equal(nobody.code, "identity.user_not_found");
  });

  await t.step("the admin.change events carry no value", async () => {
    const changes = JSON.stringify(await adminChanges(app.ctx));
    assert.match(changes, /"action":"secret\.set"/);
    assert.ok(!changes.includes(CANARY));
  });
});

Deno.test(`/api/v1/admin/secrets (${mode}): admin only, values in, never out`, async (t) => {
  await using app = await openTestApp();
  const seen: string[] = [];
  const api = async (method: string, path: string, options: { body?: unknown; token?: string } = {}) => {
    const response = await call(app, method, path, { token: app.adminToken, ...options });
    const text = await response.clone().text();
    seen.push(text);
    return response;
  };

  await t.step("POST sets (201, then 200 for a new version) and answers metadata only", async () => {
    const body = { owner: "org", name: "openai", value: CANARY };
    const created = await expectJson(await api("POST", "/api/v1/admin/secrets", { body }), 201);
    assert.deepEqual([created["owner"], created["name"], created["version"]], ["org", "openai", 1]);
    const replaced = await expectJson(await api("POST", "/api/v1/admin/secrets", { body }), 200);
    assert.equal(replaced["version"], 2);
  });

  await t.step("GET lists; there is no endpoint that returns a value", async () => {
    const list = await expectJson<{ items: Record<string, unknown>[] }>(
      await api("GET", "/api/v1/admin/secrets?owner=org"),
      200,
    );
    assert.deepEqual(list.items.map((i) => Object.keys(i).sort()), [[...COLUMNS].sort()]);
    for (const path of ["/api/v1/admin/secrets/openai", "/api/v1/admin/secrets/org/openai"]) {
      await expectProblem(await api("GET", path), 404, "request.not_found");
    }
  });

  await t.step("bad bodies are 400 and never echo the value", async () => {
    const extra = { owner: "org", name: "x", value: CANARY, note: 1 };
    await expectProblem(
      await api("POST", "/api/v1/admin/secrets", { body: extra }),
      400,
      "request.invalid_body",
    );
    const badOwner = { owner: "nobody", name: "x", value: CANARY };
    await expectProblem(
      await api("POST", "/api/v1/admin/secrets", { body: badOwner }),
      400,
      "request.invalid_body",
    );
    const badName = { owner: "org", name: "${x}", value: CANARY };
    await expectProblem(
      await api("POST", "/api/v1/admin/secrets", { body: badName }),
      400,
      "request.invalid_body",
    );
    const empty = { owner: "org", name: "x", value: "" };
    await expectProblem(
      await api("POST", "/api/v1/admin/secrets", { body: empty }),
      400,
      "request.invalid_body",
    );
    const nobody = { owner: "user:nobody@example.com", name: "x", value: CANARY };
    await expectProblem(
      await api("POST", "/api/v1/admin/secrets", { body: nobody }),
      404,
      "identity.user_not_found",
    );
  });

  await t.step("rotate and delete", async () => {
    const rotated = await expectJson(
      await api("POST", "/api/v1/admin/secrets/rotate", { body: { owner: "org", name: "openai" } }),
      200,
    );
    assert.equal(rotated["version"], 3);
    const dek = await api("POST", "/api/v1/admin/secrets/rotate", { body: { owner: "org", data_key: true } });
    assert.deepEqual(await expectJson(dek, 200), { owner: "org", retired_data_keys: 1 });
    const gone = await expectJson(await api("DELETE", "/api/v1/admin/secrets?owner=org&name=openai"), 200);
    assert.equal(gone["deleted"], true);
    const missing = await api("DELETE", "/api/v1/admin/secrets?owner=org&name=openai");
    await expectProblem(missing, 404, "vault.secret_missing");
  });

  await t.step("non-admins get 403, anonymous callers 401", async () => {
    const { token } = await createUserWithToken(app, "eve@example.com");
    const body = { owner: "org", name: "x", value: CANARY };
    await expectProblem(await api("POST", "/api/v1/admin/secrets", { body, token }), 403, "auth.forbidden");
    await expectProblem(await api("GET", "/api/v1/admin/secrets", { token }), 403, "auth.forbidden");
    const anonymous = await call(app, "GET", "/api/v1/admin/secrets");
    await expectProblem(anonymous, 401, "auth.missing_token");
  });

  assert.ok(!seen.some((text) => text.includes(CANARY)), "an API answer contained the value");
  assert.ok(!JSON.stringify(await adminChanges(app.ctx)).includes(CANARY));
});

Deno.test({
  name: "admin secrets set --value-stdin is forwarded with its stdin to a server holding the embedded db",
  ignore: mode === "postgres", // forwarding exists for the embedded database only
  async fn() {
    await using h = await createVaultHome("sp_vfwd_");
    expectExit(await h.sp(["admin", "setup", "--non-interactive"]), 0);
    const port = freePort();
    const env = { ...h.env, SYSTEMPROMPT_PORT: String(port), SYSTEMPROMPT_LOG_LEVEL: "debug" };
    {
      await using server = spawnSystemprompt(["infra", "services", "serve"], env, h.home);
      await waitForOk(`http://127.0.0.1:${port}/api/v1/health`, server, 60_000);
      const argv = ["--json", "admin", "secrets", "set", "--owner", "org", "--name", "fwd", "--value-stdin"];
      const set = expectExit(await h.sp(argv, { stdin: `${CANARY}\n` }), 0);
      assert.equal(JSON.parse(set.stdout).version, 1);
      const list = expectExit(await h.sp(["--json", "admin", "secrets", "list"]), 0);
      assert.equal(JSON.parse(list.stdout).items[0].name, "fwd");
      server.process.kill("SIGTERM");
      assert.equal(await server.exited(15_000), 0);
      assert.ok(!server.stderr().includes(CANARY) && !server.stdout().includes(CANARY));
      assert.match(
        server.stderr(),
        /"event":"admin_channel\.command".*"secrets","set"/,
        "it went over the channel",
      );
    }
    const layout = resolveHome({ env: h.env, cwd: h.home });
    const config = await loadConfig({ layout, env: h.env });
    await using ctx = await createAppContext({
      config,
      clock: systemClock,
      log: silentLogger,
      build: DEV_BUILD,
    });
    const value = await resolveSecretForCaller(ctx, "fwd", { userId: null, department: null });
    assert.equal(value.reveal(), CANARY);
  },
});
