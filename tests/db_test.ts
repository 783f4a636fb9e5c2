import assert from "node:assert/strict";
import { migrate } from "@infra/db/migrate.ts";
import { MIGRATIONS } from "@infra/db/migrations.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { isAppError } from "@shared/errors.ts";
import type { Db } from "@infra/db/db.ts";
import { databaseUrl, openTestDb, testDbMode, testPgSettings, withAdmin } from "./support/db.ts";

const mode = testDbMode();

/** The port's contract holds for the pool and for its lane (pg_lane.ts speaks the protocol itself). */
async function openVia(via: "pool" | "lane"): Promise<Db & AsyncDisposable> {
  const base = await openTestDb();
  return via === "pool" ? base : { ...base.lane(), [Symbol.asyncDispose]: () => base.close() };
}

for (const via of ["pool", "lane"] as const) {
  Deno.test(`Db (${mode}, ${via}) decodes SQL types to the values the port promises`, async () => {
    await using db = await openVia(via);
    const row = await db.one(
      `select 42::int8 as small, 9007199254740993::int8 as big, -9007199254740991::int8 as min_safe,
         1.50::numeric as num, '{"a":[1,"x"],"b":null}'::jsonb as doc, '\\xdeadbeef'::bytea as bin,
         '2024-01-02T03:04:05.678Z'::timestamptz as at, array['a','b,c']::text[] as arr`,
    );
    assert.deepEqual(row, {
      small: 42,
      big: "9007199254740993",
      min_safe: -9007199254740991,
      num: "1.50",
      doc: { a: [1, "x"], b: null },
      bin: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      at: new Date("2024-01-02T03:04:05.678Z"),
      arr: ["a", "b,c"],
    });
  });

  Deno.test(`Db (${mode}, ${via}) keeps text[] NULL elements, quotes and the string 'NULL' apart`, async () => {
    await using db = await openVia(via);
    const tricky = ["NULL", null, 'q"uote', "back\\slash", "", "{x}", "a b"];
    const literal = await db.one(
      `select array['NULL', null, 'q"uote', E'back\\\\slash', '', '{x}', 'a b']::text[] as arr`,
    );
    assert.deepEqual(literal, { arr: tricky });
    assert.deepEqual(await db.one("select $1::text[] as arr", [tricky as readonly string[]]), {
      arr: tricky,
    });
  });

  Deno.test(`Db (${mode}, ${via}) round-trips parameters of every SqlParam type`, async () => {
    await using db = await openVia(via);
    const at = new Date("2025-06-07T08:09:10.123Z");
    const row = await db.one(
      `select $1::int8 as big, $2::int8 as small, $3::jsonb as doc, $4::bytea as bin, $5::timestamptz as at,
         $6::text[] as arr, $7::bool as flag, $8::text as nothing, $9::int8 as from_bigint`,
      [
        "9223372036854775807",
        7,
        JSON.stringify({ k: "v" }),
        new Uint8Array([0, 1, 255]),
        at,
        ["x", "y"],
        true,
        null,
        9007199254740993n,
      ],
    );
    assert.deepEqual(row, {
      big: "9223372036854775807",
      small: 7,
      doc: { k: "v" },
      bin: new Uint8Array([0, 1, 255]),
      at,
      arr: ["x", "y"],
      flag: true,
      nothing: null,
      from_bigint: "9007199254740993",
    });
  });

  Deno.test(`Db (${mode}, ${via}) query() names the columns in order even for zero rows`, async () => {
    await using db = await openVia(via);
    const result = await db.query("select 1 as zeta, 'x' as alpha, now() as mid where false");
    assert.deepEqual(result, { columns: ["zeta", "alpha", "mid"], rows: [] });
    const users = await db.query("select id, name, email from users");
    assert.deepEqual(users.columns, ["id", "name", "email"]);
  });

  Deno.test(`Db (${mode}, ${via}) query() rejects several statements in one string`, async () => {
    await using db = await openVia(via);
    await assert.rejects(db.query("select 1; select 2"));
    await assert.rejects(db.query("create table smuggled (x int); select 1"));
    assert.equal((await db.one<{ t: string | null }>("select to_regclass('smuggled')::text as t")).t, null);
  });

  Deno.test(`Db (${mode}, ${via}) exec() runs a script of several statements`, async () => {
    await using db = await openVia(via);
    await db.exec("create table scratch (x int); insert into scratch values (1), (2);");
    assert.deepEqual(await db.many("select x from scratch order by x"), [{ x: 1 }, { x: 2 }]);
  });

  Deno.test(`Db (${mode}, ${via}) tx(readOnly) refuses a write and keeps nothing`, async () => {
    await using db = await openVia(via);
    const insert = "insert into users (id, name, email) values (gen_random_uuid(), 'Ro', 'ro@example.com')";
    await assert.rejects(db.tx((q) => q.query(insert), { readOnly: true }), /read-only/);
    assert.equal((await db.one<{ n: number }>("select count(*)::int8 as n from users")).n, 0);
    assert.equal(
      await db.tx(async (q) => (await q.one<{ v: number }>("select 1 as v")).v, { readOnly: true }),
      1,
    );
  });

  Deno.test(`Db (${mode}, ${via}) tx() rolls back when the callback throws`, async () => {
    await using db = await openVia(via);
    const insert = "insert into users (id, name, email) values (gen_random_uuid(), 'Rb', 'rb@example.com')";
    await assert.rejects(
      db.tx(async (q) => {
        await q.query(insert);
        throw new Error("abort");
      }),
      /abort/,
    );
    assert.equal((await db.one<{ n: number }>("select count(*)::int8 as n from users")).n, 0);
  });
}

Deno.test(`migrate() (${mode}) is idempotent and refuses an edited migration`, async () => {
  await using db = await openTestDb();
  assert.deepEqual(await migrate(db), { applied: [], current: MIGRATIONS.at(-1)?.version ?? 0 });
  assert.deepEqual((await migrate(db)).applied, []);
  const edited = MIGRATIONS.map((m, i) => i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m);
  await assert.rejects(migrate(db, edited), (error) => isAppError(error, "db.migration_checksum_mismatch"));
});

Deno.test(`governance_decisions (${mode}) refuses UPDATE, DELETE and TRUNCATE`, async () => {
  await using db = await openTestDb();
  await db.query(
    `insert into governance_decisions (id, decision, policy, trace_id, seq, prev_hash, row_hash)
     values (gen_random_uuid(), 'allow', 'default', 'trace-1', 1, 'genesis', 'h1')`,
  );
  for (const change of ["update governance_decisions set reason = 'x'", "delete from governance_decisions"]) {
    await assert.rejects(db.query(change), /append-only/);
  }
  await assert.rejects(db.exec("truncate governance_decisions"), /append-only/);
  assert.equal((await db.one<{ n: number }>("select count(*)::int8 as n from governance_decisions")).n, 1);
});

Deno.test({
  name: "migrate() (postgres) on two pools at once applies each migration exactly once",
  ignore: mode !== "postgres",
  fn: async () => {
    await using blank = await createBlankDatabase();
    const a = openPostgresDb({ url: blank.url, max: 2 });
    const b = openPostgresDb({ url: blank.url, max: 2 });
    try {
      const results = await Promise.all([migrate(a), migrate(b)]);
      assert.deepEqual(results.map((r) => r.applied.length).sort(), [0, MIGRATIONS.length]);
      assert.equal(
        (await a.one<{ n: number }>("select count(*)::int8 as n from schema_migrations")).n,
        MIGRATIONS.length,
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  },
});

/** An empty (unmigrated) database on the test server, dropped on dispose. */
async function createBlankDatabase(): Promise<{ url: string } & AsyncDisposable> {
  const { adminUrl } = testPgSettings();
  const name = `t_blank_${crypto.randomUUID().replaceAll("-", "")}`;
  await withAdmin(adminUrl, (admin) => admin.exec(`create database ${name}`));
  return {
    url: databaseUrl(adminUrl, name),
    [Symbol.asyncDispose]: () =>
      withAdmin(adminUrl, (admin) => admin.exec(`drop database ${name} with (force)`)),
  };
}

Deno.test(`Db (${mode}) delivers pg_notify payloads to listeners until they unlisten`, async () => {
  await using db = await openTestDb();
  const got: string[] = [];
  const arrived = Promise.withResolvers<void>();
  const listener = await db.listen("sp_test_channel", (payload) => {
    got.push(payload);
    if (got.length === 2) arrived.resolve();
  });
  await db.query("select pg_notify('sp_test_channel', $1)", ["one"]);
  await db.tx((q) => q.query("select pg_notify('sp_test_channel', $1)", ["two"]));
  await Promise.race([
    arrived.promise,
    new Promise((_, no) => setTimeout(() => no(new Error("timeout")), 5000)),
  ]);
  await listener.unlisten();
  await db.query("select pg_notify('sp_test_channel', 'three')");
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(got, ["one", "two"]);
});

Deno.test({
  name: "Db (postgres) lane() is one connection of its own, closed with its pool",
  ignore: mode !== "postgres",
  fn: async () => {
    await using blank = await createBlankDatabase();
    const db = openPostgresDb({ url: blank.url, max: 3 });
    const lane = db.lane();
    // The lane's statements all meet one backend; the pool's own connections are others.
    const lanePids = new Set<number>();
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const row = await lane.one<{ pid: number; app: string }>(
          "select pg_backend_pid() as pid, current_setting('application_name') as app",
        );
        lanePids.add(row.pid);
        assert.equal(row.app, "systemprompt-lane");
      }),
    );
    assert.equal(lanePids.size, 1);
    const poolPids = await Promise.all(
      Array.from(
        { length: 3 },
        () => db.one<{ pid: number }>("select pg_backend_pid() as pid, pg_sleep(0.05)"),
      ),
    );
    assert.equal(poolPids.some((row) => lanePids.has(row.pid)), false);
    assert.equal(await lane.tx((q) => q.one<{ ok: number }>("select 1 as ok")).then((r) => r.ok), 1);
    await db.close();
    await assert.rejects(lane.one("select 1 as ok"));
  },
});

Deno.test({
  name:
    "Db (postgres) single statements share up to `max` protocol connections; a waiting one takes the first free",
  ignore: mode !== "postgres",
  fn: async () => {
    await using blank = await createBlankDatabase();
    const db = openPostgresDb({ url: blank.url, max: 2 });
    try {
      const who = "select pg_backend_pid() as pid, current_setting('application_name') as app";
      // Six at once over two connections: both are used, no third is opened, and all are the pool's.
      const rows = await Promise.all(
        Array.from({ length: 6 }, () => db.one<{ pid: number; app: string }>(`${who}, pg_sleep(0.02)`)),
      );
      assert.equal(new Set(rows.map((r) => r.pid)).size, 2);
      assert.deepEqual([...new Set(rows.map((r) => r.app))], ["systemprompt"]);
      // Prepared under the lane's names (l1, l2, …), not postgres.js's.
      const prepared = await db.many<{ name: string }>(
        "select name from pg_prepared_statements order by name",
      );
      assert.ok(
        prepared.length > 0 && prepared.every((p) => /^l\d+$/.test(p.name)),
        JSON.stringify(prepared),
      );
      // One connection held by a slow statement: a statement queued behind a busy pool runs on the
      // other as soon as it is free, long before the slow one ends.
      const order: string[] = [];
      const slow = db.one("select pg_sleep(0.6) as slept").then(() => order.push("slow"));
      const short = db.one("select pg_sleep(0.05) as slept").then(() => order.push("short"));
      const queued = db.one("select 1 as ok").then(() => order.push("queued"));
      await Promise.all([slow, short, queued]);
      assert.deepEqual(order, ["short", "queued", "slow"]);
      // Transactions and scripts stay with postgres.js; they see what the lanes committed and back.
      await db.exec("create table pooled (n int)");
      await db.query("insert into pooled values ($1)", [1]);
      const seen = await db.tx(async (q) => {
        await q.query("insert into pooled values (2)");
        return (await q.one<{ n: number }>("select count(*)::int as n from pooled")).n;
      });
      assert.equal(seen, 2);
      assert.equal((await db.one<{ n: number }>("select sum(n)::int as n from pooled")).n, 3);
    } finally {
      await db.close();
    }
    await assert.rejects(db.one("select 1 as ok"), (error: Error & { code?: string }) => {
      assert.equal(error.code, "CONNECTION_ENDED");
      return true;
    });
  },
});

Deno.test(`Db (${mode}) lane() answers like the pool`, async () => {
  await using db = await openTestDb();
  const lane = db.lane();
  assert.deepEqual(await lane.one("select 7::int8 as n, '{\"a\":1}'::jsonb as doc"), { n: 7, doc: { a: 1 } });
  if (mode === "pglite") assert.equal(lane, db.lane());
});
