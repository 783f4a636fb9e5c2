import { createCliHome } from "./support/cli_home.ts";
import assert from "node:assert/strict";
import { testDbMode } from "./support/db.ts";
import { type CliRun, runCliCaptured, STACK_FRAME } from "./support/cli_io.ts";
import { createTestHome } from "./support/test_app.ts";

const mode = testDbMode();

function expectCode(run: CliRun, code: number): CliRun {
  assert.equal(run.code, code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, STACK_FRAME);
  return run;
}

async function modeOf(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o777;
}

Deno.test(`systemprompt CLI (${mode}) end to end in one home`, async (t) => {
  await using h = await createCliHome();
  const sp = (...argv: string[]) => runCliCaptured(argv, h.env, h.home);
  const json = async <T>(...argv: string[]): Promise<T> =>
    JSON.parse(expectCode(await sp("--json", ...argv), 0).stdout) as T;

  await t.step("--version prints version, commit and build date", async () => {
    const run = expectCode(await sp("--version"), 0);
    assert.match(run.stdout, /^systemprompt \d+\.\d+\.\d+ \(commit dev, built unknown\)\n$/);
  });

  await t.step("--help works at every level", async () => {
    const root = expectCode(await sp("--help"), 0).stdout;
    for (const domain of ["core", "infra", "admin", "cloud", "analytics", "web", "plugins", "build"]) {
      assert.match(root, new RegExp(`^  ${domain}\\s`, "m"), `root help lists ${domain}`);
    }
    const infra = expectCode(await sp("infra", "--help"), 0).stdout;
    assert.match(infra, /Usage: systemprompt infra <command>/);
    assert.match(infra, /^ {2}services\s/m);
    assert.match(infra, /^ {2}db\s/m);
    const db = expectCode(await sp("infra", "db", "--help"), 0).stdout;
    for (const child of ["migrate", "status", "tables", "describe", "query"]) {
      assert.match(db, new RegExp(`^  ${child}\\s`, "m"), `infra db help lists ${child}`);
    }
    const query = expectCode(await sp("infra", "db", "query", "--help"), 0).stdout;
    assert.match(query, /Usage: systemprompt infra db query <sql>/);
    assert.match(query, /read-only/);
  });

  await t.step("usage errors exit 2", async () => {
    assert.match(expectCode(await sp("nope"), 2).stderr, /unknown command "nope"/);
    assert.match(expectCode(await sp("infra", "db", "nope"), 2).stderr, /unknown command "nope"/);
    assert.match(expectCode(await sp("infra", "db", "describe"), 2).stderr, /missing argument <table>/);
    assert.match(expectCode(await sp("infra", "db", "query"), 2).stderr, /missing argument <sql>/);
    assert.match(expectCode(await sp("infra", "db", "tables", "--bogus"), 2).stderr, /unknown flag --bogus/);
  });

  await t.step("admin setup --non-interactive creates the home once", async () => {
    interface Setup {
      admin_created: boolean;
      admin_token_file: string;
      created: { profile: boolean; secrets: boolean; signing_key: boolean };
    }
    const first = await json<Setup>("admin", "setup", "--non-interactive");
    assert.equal(first.admin_created, true);
    assert.deepEqual(first.created, { profile: true, secrets: true, signing_key: true });
    assert.equal(first.admin_token_file, `${h.home}/admin.token`);
    const profileDir = `${h.home}/profiles/local`;
    assert.ok((await Deno.stat(`${profileDir}/profile.yaml`)).isFile);
    assert.equal(await modeOf(`${profileDir}/secrets.json`), 0o600);
    assert.equal(await modeOf(`${h.home}/admin.token`), 0o600);
    assert.match((await Deno.readTextFile(`${h.home}/admin.token`)).trim(), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const second = await json<Setup>("admin", "setup", "--non-interactive");
    assert.equal(second.admin_created, false);
    assert.deepEqual(second.created, { profile: false, secrets: false, signing_key: false });
  });

  await t.step("infra db migrate is idempotent", async () => {
    await json("infra", "db", "migrate");
    const again = await json<{ applied: string[]; current_version: unknown }>("infra", "db", "migrate");
    assert.deepEqual(again.applied, []);
    const status = await json<{ migrations_pending: string[]; database: string }>("infra", "db", "status");
    assert.deepEqual(status.migrations_pending, []);
    assert.equal(status.database, mode === "postgres" ? "postgres" : "embedded (PGlite)");
  });

  await t.step("infra db query prints one read-only result", async () => {
    const run = expectCode(await sp("--json", "infra", "db", "query", "select 1 as x"), 0);
    assert.equal(run.stdout, '{"columns":["x"],"items":[{"x":1}]}\n');
    assert.equal(run.stderr, "");
  });

  await t.step("infra db query refuses writes and second statements", async () => {
    const count = async () =>
      (await json<{ items: { n: number }[] }>("infra", "db", "query", "select count(*)::int as n from users"))
        .items[0]?.n;
    const before = await count();
    assert.ok(before !== undefined && before >= 1);
    for (
      const sql of [
        "delete from users",
        "select 1; select 2",
        "commit; delete from users",
        "commit; insert into users (id, name, email) values (gen_random_uuid(), 'x', 'x@x')",
        "update users set name = 'pwned'",
      ]
    ) {
      const run = expectCode(await sp("infra", "db", "query", sql), 1);
      assert.match(run.stderr, /^error: query refused/, sql);
      assert.equal(run.stdout, "");
    }
    assert.equal(await count(), before, "no write got through");
    const names = await json<{ items: { name: string }[] }>("infra", "db", "query", "select name from users");
    assert.ok(names.items.every((u) => u.name !== "pwned"));
  });

  await t.step("infra db tables and describe", async () => {
    const tables = await json<{ columns: string[]; items: { table: string }[] }>("infra", "db", "tables");
    const names = tables.items.map((i) => i.table);
    for (const name of ["governance_decisions", "users", "sessions", "event_outbox"]) {
      assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
    }
    const users = await json<{ items: { column: string; type: string }[] }>(
      "infra",
      "db",
      "describe",
      "users",
    );
    assert.deepEqual(
      users.items.map((i) => i.column).slice(0, 6),
      ["id", "name", "email", "roles", "department", "status"],
    );
    assert.equal(users.items.find((i) => i.column === "roles")?.type, "text[]");
    const text = expectCode(await sp("infra", "db", "describe", "users"), 0).stdout;
    assert.match(text, /^COLUMN\s+TYPE/);
    assert.match(text, /^email\s+text/m);
    const missing = expectCode(await sp("infra", "db", "describe", "nope"), 1);
    assert.match(missing.stderr, /no table named "nope"/);
  });
});

Deno.test(`systemprompt CLI (${mode}) reports a malformed profile with file and key`, async () => {
  await using home = await createTestHome("sp_cli_bad_");
  await Deno.writeTextFile(
    home.layout.profileFile,
    "name: local\nserver:\n  port: 8080\n  prot: 9090\nruntime:\n  log_level: chatty\n",
  );
  for (const argv of [["infra", "db", "status"], ["admin", "config", "validate"]]) {
    const run = await runCliCaptured(argv, { SYSTEMPROMPT_HOME: home.home }, home.home);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, "");
    assert.ok(run.stderr.includes(`${home.layout.profileFile}: server.prot: unknown key`), run.stderr);
    assert.ok(run.stderr.includes(`${home.layout.profileFile}: runtime.log_level: `), run.stderr);
    assert.doesNotMatch(run.stderr, STACK_FRAME);
  }
  const jsonRun = await runCliCaptured(
    ["--json", "infra", "db", "status"],
    { SYSTEMPROMPT_HOME: home.home },
    "/",
  );
  assert.equal(jsonRun.code, 1);
  const body = JSON.parse(jsonRun.stderr) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "config.invalid");
});
