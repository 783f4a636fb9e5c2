import assert from "node:assert/strict";
import { dirname } from "node:path";
import { readBackupLines } from "@app/backup_file.ts";
import { auditKeyPath, loadOrCreateAuditKey } from "@infra/audit/audit_key.ts";
import type { Db } from "@infra/db/db.ts";
import { migrate } from "@infra/db/migrate.ts";
import { openPgliteDb } from "@infra/db/pglite_db.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { decision, openTestWriter } from "./support/audit.ts";
import { runCliCaptured } from "./support/cli_io.ts";
import { freePort, spawnSystemprompt, waitForOk } from "./support/process.ts";
import { databaseUrl, testDbMode, testPgSettings, withAdmin } from "./support/db.ts";
import { createTestHome, type TestHome } from "./support/test_app.ts";

const mode = testDbMode();

/** One installation: a home and its own database (embedded, or a new empty PostgreSQL database). */
interface Site extends AsyncDisposable {
  readonly home: TestHome;
  readonly env: Record<string, string>;
  open(): Promise<Db>;
}

async function createSite(kind: "pglite" | "postgres" = mode): Promise<Site> {
  const home = await createTestHome("sp_backup_");
  if (kind === "pglite") {
    return {
      home,
      env: { SYSTEMPROMPT_HOME: home.home },
      open: async () => {
        await Deno.mkdir(`${home.home}/data/pgdata`, { recursive: true });
        return await openPgliteDb({ dataDir: `${home.home}/data/pgdata` });
      },
      [Symbol.asyncDispose]: () => home[Symbol.asyncDispose](),
    };
  }
  const { adminUrl } = testPgSettings();
  const name = `b_${crypto.randomUUID().replaceAll("-", "")}`;
  await withAdmin(adminUrl, (admin) => admin.exec(`create database ${name}`));
  const url = databaseUrl(adminUrl, name);
  return {
    home,
    env: { SYSTEMPROMPT_HOME: home.home, DATABASE_URL: url },
    open: () => Promise.resolve(openPostgresDb({ url, max: 2 })),
    [Symbol.asyncDispose]: async () => {
      await withAdmin(adminUrl, (admin) => admin.exec(`drop database if exists ${name} with (force)`));
      await home[Symbol.asyncDispose]();
    },
  };
}

/** Migrates the site's database and appends `count` decisions signed by the site's own audit key. */
async function seed(site: Site, count: number): Promise<void> {
  await using db = await site.open();
  await migrate(db);
  await db.exec(`insert into users (id, name, email, roles, department) values
    ('0190a000-0000-7000-8000-00000000aaaa', 'Ada "Quote" Lovelace', 'ada@example.com', array['admin','user'], null);
    insert into api_keys (id, user_id, name, prefix, key_hash, expires_at) values
    ('0190a000-0000-7000-8000-00000000bbbb', '0190a000-0000-7000-8000-00000000aaaa', 'ci', 'abcdef012345',
     decode(repeat('ab', 32), 'hex'), '2031-01-01T00:00:00.123456Z')`);
  const signer = await loadOrCreateAuditKey(site.home.layout);
  await using w = await openTestWriter(db, { signer, checkpointTickMs: 0 });
  for (let done = 0; done < count; done += 500) {
    const wave = Array.from({ length: Math.min(500, count - done) }, (_, i) => decision(done + i));
    await Promise.all(wave.map((d) => w.writer.append(d)));
  }
}

/** The restored installation uses the source's master key and audit key, as an operator copying /etc would. */
async function shareKeys(from: Site, to: Site): Promise<void> {
  const secrets = async (site: Site) =>
    JSON.parse(await Deno.readTextFile(site.home.layout.secretsFile)) as Record<string, unknown>;
  const merged = { ...await secrets(to), master_key: (await secrets(from))["master_key"] };
  await Deno.writeTextFile(to.home.layout.secretsFile, JSON.stringify(merged, null, 2));
  const target = auditKeyPath(to.home.layout);
  await Deno.mkdir(dirname(target), { recursive: true });
  await Deno.copyFile(auditKeyPath(from.home.layout), target);
  await Deno.chmod(target, 0o600);
}

async function cli(site: Site, ...argv: string[]) {
  const run = await runCliCaptured(["--json", ...argv], site.env, site.home.home);
  const parse = (text: string) => text.trim() === "" ? {} : JSON.parse(text) as Record<string, unknown>;
  return {
    ...run,
    json: parse(run.stdout),
    error: (parse(run.stderr)["error"] ?? {}) as Record<string, string>,
  };
}

/** Every table's rows as text, sorted: equal fingerprints mean equal contents. */
async function fingerprint(site: Site): Promise<Record<string, string>> {
  await using db = await site.open();
  const tables = await db.many<{ name: string }>(
    "select tablename::text as name from pg_tables where schemaname = 'public' and tablename <> 'schema_migrations'",
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const row = await db.one<{ digest: string }>(
      `select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest from "${name}" t`,
    );
    out[name] = row.digest;
  }
  return out;
}

Deno.test(`infra db backup/restore (${mode}): 10,000 decisions restore into a fresh database and verify`, async () => {
  await using source = await createSite();
  await using target = await createSite();
  await seed(source, 10_000);
  await shareKeys(source, target);
  const file = `${source.home.home}/backup.jsonl.gz`;

  let started = performance.now();
  const backup = await cli(source, "infra", "db", "backup", "--to", file);
  const backupMs = performance.now() - started;
  assert.equal(backup.code, 0, backup.stderr);
  assert.equal((backup.json["rows"] as Record<string, number>)["governance_decisions"], 10_000);
  assert.equal(backup.json["schema_version"], backup.json["schema_version"] as number);
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);

  started = performance.now();
  const restore = await cli(target, "infra", "db", "restore", "--from", file);
  const restoreMs = performance.now() - started;
  assert.equal(restore.code, 0, restore.stderr);
  assert.equal((restore.json["rows"] as Record<string, number>)["governance_decisions"], 10_000);
  assert.deepEqual(restore.json["warnings"], []);
  assert.equal(restore.json["backup_schema_version"], backup.json["schema_version"]);

  const verify = await cli(target, "infra", "audit", "verify");
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.deepEqual(verify.json, { ok: true, rows_checked: 10_000, checkpoints_checked: 10 });
  assert.deepEqual(await fingerprint(target), await fingerprint(source));

  await using db = await target.open();
  const next = await db.one<{ id: number; max: number }>(
    `with restored as (select max(id) as max from event_outbox)
     insert into event_outbox (kind, payload) values ('test.after_restore', '{}')
     returning id, (select max from restored) as max`,
  );
  assert.ok(next.id > next.max, "identity sequences continue after the restored rows");
  console.log(
    `  ${mode}: backup of 10,000 decisions in ${backupMs.toFixed(0)} ms ` +
      `(${((await Deno.stat(file)).size / 1e6).toFixed(1)} MB), restore in ${restoreMs.toFixed(0)} ms`,
  );
});

Deno.test(`infra db restore (${mode}) refuses data it would discard, newer schemas and damaged files, atomically`, async () => {
  await using source = await createSite();
  await using target = await createSite();
  await seed(source, 1_000);
  await seed(target, 3);
  const file = `${source.home.home}/backup.jsonl.gz`;
  assert.equal((await cli(source, "infra", "db", "backup", "--to", file)).code, 0);
  const lines: string[] = [];
  for await (const line of readBackupLines(file)) lines.push(line);
  const variant = async (name: string, edit: (lines: string[]) => string[]) => {
    const path = `${source.home.home}/${name}.jsonl`;
    await Deno.writeTextFile(path, edit([...lines]).map((l) => `${l}\n`).join(""));
    return path;
  };
  const before = await fingerprint(target);
  const refusals: [string, string[], string][] = [
    ["target with data", ["--from", file], "db.restore_target_not_empty"],
    [
      "truncated",
      ["--from", await variant("truncated", (l) => l.slice(0, -1)), "--replace"],
      "db.backup_invalid",
    ],
    [
      "altered row",
      [
        "--from",
        await variant("altered", (l) => l.map((x) => x.replace('"trace_7"', '"trace_x"'))),
        "--replace",
      ],
      "db.backup_invalid",
    ],
    [
      "newer schema",
      [
        "--from",
        await variant(
          "newer",
          (l) => [l[0]!.replace(/"schema_version":\d+/, '"schema_version":9999'), ...l.slice(1)],
        ),
        "--replace",
      ],
      "db.backup_schema_newer",
    ],
    ["not a backup", ["--from", await variant("garbage", () => ["hello"]), "--replace"], "db.backup_invalid"],
  ];
  for (const [what, args, code] of refusals) {
    const run = await cli(target, "infra", "db", "restore", ...args);
    assert.equal(run.code, 1, `${what}: ${run.stdout}`);
    assert.equal(run.error["code"], code, `${what}: ${run.stderr}`);
  }
  assert.match((await cli(target, "infra", "db", "restore", "--from", file)).error["message"]!, /--replace/);
  assert.deepEqual(await fingerprint(target), before, "a refused restore leaves the database as it was");

  const replaced = await cli(target, "infra", "db", "restore", "--from", file, "--replace");
  assert.equal(replaced.code, 0, replaced.stderr);
  const warnings = replaced.json["warnings"] as string[];
  assert.equal(warnings.length, 2, JSON.stringify(warnings));
  assert.match(warnings[0]!, /checkpoints were signed by key .*ed25519\.pem/);
  assert.match(warnings[1]!, /does not open with this profile \(vault\.master_key_mismatch/);
  assert.deepEqual(await fingerprint(target), await fingerprint(source));
});

Deno.test({
  name: "infra db restore: a backup of the embedded database restores onto PostgreSQL",
  ignore: mode !== "postgres",
  async fn() {
    await using source = await createSite("pglite");
    await using target = await createSite("postgres");
    await seed(source, 1_200);
    await shareKeys(source, target);
    const file = `${source.home.home}/embedded.jsonl.gz`;
    assert.equal((await cli(source, "infra", "db", "backup", "--to", file)).code, 0);
    const restore = await cli(target, "infra", "db", "restore", "--from", file);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(restore.json["source"], "pglite");
    const verify = await cli(target, "infra", "audit", "verify");
    assert.deepEqual(verify.json, { ok: true, rows_checked: 1_200, checkpoints_checked: 1 });
    assert.deepEqual(await fingerprint(target), await fingerprint(source));
  },
});

Deno.test({
  name: "infra db backup while a server holds the embedded database: the server writes it; restore waits",
  ignore: mode !== "pglite",
  async fn() {
    await using source = await createSite("pglite");
    await using target = await createSite("pglite");
    await seed(source, 100);
    await shareKeys(source, target);
    const port = freePort();
    const env = { ...source.env, SYSTEMPROMPT_PORT: String(port) };
    await using server = spawnSystemprompt(["infra", "services", "serve"], env, source.home.home);
    await waitForOk(`http://127.0.0.1:${port}/api/v1/health`, server, 120_000);

    const relative = await cli(source, "infra", "db", "backup", "--to", "relative.jsonl.gz");
    assert.equal(relative.code, 2, relative.stderr);
    assert.match(relative.error["message"]!, /absolute path while a server holds/);
    const file = `${source.home.home}/online.jsonl.gz`;
    const backup = await cli(source, "infra", "db", "backup", "--to", file);
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal((backup.json["rows"] as Record<string, number>)["governance_decisions"], 100);
    const busy = await cli(source, "infra", "db", "restore", "--from", file, "--replace");
    assert.equal(busy.error["code"], "db.locked");
    assert.match(busy.error["message"]!, /stop the server before restoring/);
    server.process.kill("SIGTERM");
    assert.equal(await server.exited(30_000), 0);

    const restore = await cli(target, "infra", "db", "restore", "--from", file);
    assert.equal(restore.code, 0, restore.stderr);
    const verify = await cli(target, "infra", "audit", "verify");
    assert.equal(verify.json["ok"], true);
  },
});
