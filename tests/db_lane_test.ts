import assert from "node:assert/strict";
import { isDatabaseUnavailable } from "@infra/audit/unavailable.ts";
import { laneTarget } from "@infra/db/pg_lane.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { isAppError } from "@shared/errors.ts";
import { openTestDb, testDbMode, testPgSettings, withAdmin } from "./support/db.ts";

const postgresOnly = testDbMode() !== "postgres";

Deno.test("laneTarget() serves sockets and plain TCP, and leaves TLS and other options to postgres.js", () => {
  const socket = laneTarget(new URL("postgres://ops@localhost:5433/audit"), "/run/pg", "lane");
  assert.deepEqual(socket, {
    socket: { path: "/run/pg/.s.PGSQL.5433" },
    user: "ops",
    password: undefined,
    database: "audit",
    applicationName: "lane",
  });
  const tcp = laneTarget(new URL("postgres://ops:p%40ss@db.internal/?sslmode=disable"), undefined, "lane");
  assert.deepEqual(tcp?.socket, { hostname: "db.internal", port: 5432 });
  assert.equal(tcp?.password, "p@ss");
  assert.equal(tcp?.database, "ops");
  for (
    const url of [
      "postgres://ops@h/db?sslmode=require",
      "postgres://ops@h/db?options=-c%20x",
      "postgres://h/db",
    ]
  ) {
    assert.equal(laneTarget(new URL(url), undefined, "lane"), undefined, url);
  }
});

Deno.test({
  name: "lane (postgres) keeps order under concurrency, survives a refused statement, and ends on close",
  ignore: postgresOnly,
  fn: async () => {
    await using db = await openTestDb();
    const lane = db.lane();
    const order: number[] = [];
    await Promise.all(
      Array.from(
        { length: 40 },
        (_, i) => lane.one<{ n: number }>("select $1::int as n", [i]).then((r) => order.push(r.n)),
      ),
    );
    assert.deepEqual(order, Array.from({ length: 40 }, (_, i) => i));
    // A transaction may pipeline statements (the sequencer takes its lock and reads the head at once).
    const pair = await lane.tx((q) =>
      Promise.all([q.one("select 1 as a"), q.one("select 2 as b"), q.exec("select 3")])
    );
    assert.deepEqual(pair.slice(0, 2), [{ a: 1 }, { b: 2 }]);
    const refused = await lane.query("select 1/0 as x").catch((error) => error);
    assert.equal(refused.code, "22012");
    assert.equal(isDatabaseUnavailable(refused), false);
    assert.deepEqual(await lane.one("select 2 as x"), { x: 2 });
    await lane.close();
    const ended = await lane.one("select 1 as x").catch((error) => error);
    assert.equal(ended.code, "CONNECTION_ENDED");
    assert.deepEqual(await db.one("select 3 as x"), { x: 3 }, "closing the lane leaves the pool");
  },
});

Deno.test({
  name: "lane (postgres) prepares a statement again when the schema changed under it",
  ignore: postgresOnly,
  fn: async () => {
    await using db = await openTestDb();
    const lane = db.lane();
    await db.exec("create table lane_shape (a int); insert into lane_shape values (1)");
    assert.deepEqual(await lane.many("select * from lane_shape"), [{ a: 1 }]);
    await db.exec("alter table lane_shape add column b text default 'x'");
    assert.deepEqual(await lane.many("select * from lane_shape"), [{ a: 1, b: "x" }]);
  },
});

Deno.test({
  name: "lane (postgres) reports a connection lost under a statement as unavailable, then reconnects",
  ignore: postgresOnly,
  fn: async () => {
    await using db = await openTestDb();
    const lane = db.lane();
    const { pid } = await lane.one<{ pid: number }>("select pg_backend_pid() as pid");
    const running = lane.one("select pg_sleep(5) as slept").catch((error) => error);
    await waitFor(async () =>
      (await db.maybeOne("select 1 from pg_stat_activity where pid = $1::int and state = 'active'", [
        pid,
      ])) !==
        undefined
    );
    await db.query("select pg_terminate_backend($1::int)", [pid]);
    const lost = await running;
    assert.ok(isDatabaseUnavailable(lost), String(lost));
    const again = await lane.one<{ pid: number }>("select pg_backend_pid() as pid");
    assert.notEqual(again.pid, pid);
  },
});

Deno.test({
  name: "lane and pool (postgres) replace a connection the server ended while it was idle, failing nothing",
  ignore: postgresOnly,
  fn: async () => {
    await using db = await openTestDb();
    const lane = db.lane();
    const pids = [
      (await lane.one<{ pid: number }>("select pg_backend_pid() as pid")).pid,
      (await db.one<{ pid: number }>("select pg_backend_pid() as pid")).pid,
    ];
    // Ended from another session while both sit idle (a restart, an administrator, an idle timeout).
    await withAdmin(testPgSettings().adminUrl, async (admin) => {
      for (const pid of pids) await admin.query("select pg_terminate_backend($1::int)", [pid]);
      await waitFor(async () =>
        (await admin.one<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where pid = any($1::int[])",
          [
            `{${pids.join(",")}}`,
          ],
        )).n === 0
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the end of the stream reaches the client
    const lanePid = await lane.one<{ pid: number }>("select pg_backend_pid() as pid");
    const poolPid = await db.one<{ pid: number }>("select pg_backend_pid() as pid");
    assert.equal(pids.includes(lanePid.pid), false);
    assert.equal(pids.includes(poolPid.pid), false);
  },
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition not met within 2 s");
}

Deno.test("lane: a database that cannot be reached is db.unavailable, at once and again later", async () => {
  const missing = `postgres://ops@localhost:5432/audit?host=${
    encodeURIComponent("/nonexistent/sp-socket-dir")
  }`;
  await using pool = openPostgresDb({ url: missing, max: 1, connectTimeoutSeconds: 2 });
  const lane = pool.lane();
  for (let i = 0; i < 2; i++) {
    const error = await lane.one("select 1 as x").catch((e) => e);
    assert.ok(isAppError(error, "db.unavailable"), String(error));
    assert.ok(isDatabaseUnavailable(error));
    assert.match(error.message, /lane cannot reach the database/);
  }
});

/** Roles that must log in with a password (pg_hba.conf edited for them alone), for `fn`; then undone. */
async function withPasswordRoles(
  roles: readonly { name: string; method: "scram-sha-256" | "md5"; password: string }[],
  fn: (url: (user: string, password?: string) => string) => Promise<void>,
): Promise<void> {
  await using db = await openTestDb();
  const hbaFile = (await db.one<{ f: string }>("select current_setting('hba_file') as f")).f;
  const original = await Deno.readTextFile(hbaFile);
  try {
    await Deno.writeTextFile(
      hbaFile,
      `${roles.map((r) => `local all ${r.name} ${r.method}\n`).join("")}${original}`,
    );
    await db.query("select pg_reload_conf()");
    for (const role of roles) {
      await db.exec(
        `set password_encryption = '${role.method}'; create role ${role.name} login password '${role.password}'`,
      );
    }
    await new Promise((r) => setTimeout(r, 300)); // the postmaster reloads pg_hba.conf asynchronously
    await fn((user, password) => {
      const u = new URL(testPgSettings().adminUrl);
      u.username = user;
      if (password !== undefined) u.password = encodeURIComponent(password);
      return u.href;
    });
  } finally {
    await Deno.writeTextFile(hbaFile, original);
    await db.query("select pg_reload_conf()");
    await db.exec(roles.map((r) => `drop role if exists ${r.name};`).join(" "));
  }
}

Deno.test({
  name: "lane (postgres) logs in with SCRAM-SHA-256 and with MD5, and refuses a wrong password",
  ignore: postgresOnly,
  fn: async () => {
    const suffix = crypto.randomUUID().slice(0, 8);
    const roles = [
      { name: `lane_scram_${suffix}`, method: "scram-sha-256", password: "Sc r@m:pass" },
      { name: `lane_md5_${suffix}`, method: "md5", password: "md5-pass" },
    ] as const;
    await withPasswordRoles(roles, async (url) => {
      for (const { name, password } of roles) {
        await using pool = openPostgresDb({ url: url(name, password), max: 1 });
        const row = await pool.lane().one<{ who: string; app: string }>(
          "select current_user as who, current_setting('application_name') as app",
        );
        assert.deepEqual(row, { who: name, app: "systemprompt-lane" });
        await using wrong = openPostgresDb({ url: url(name, "not it"), max: 1 });
        const refused = await wrong.lane().one("select 1 as x").catch((error) => error);
        assert.equal(refused.code, "28P01", String(refused));
      }
    });
  },
});

Deno.test({
  name: "lane (postgres) hands over to postgres.js for a login it cannot do alone",
  ignore: postgresOnly,
  fn: async () => {
    const role = {
      name: `lane_env_${crypto.randomUUID().slice(0, 8)}`,
      method: "scram-sha-256",
      password: "from-env",
    } as const;
    await withPasswordRoles([role], async (url) => {
      // No password in the URL: the lane's own client cannot answer; postgres.js reads PGPASSWORD.
      Deno.env.set("PGPASSWORD", role.password);
      try {
        await using pool = openPostgresDb({ url: url(role.name), max: 1 });
        const lane = pool.lane();
        assert.deepEqual(await lane.one("select current_user as who"), { who: role.name });
        assert.deepEqual(await lane.tx((q) => q.one("select 2 as x")), { x: 2 });
        // The pool's single statements take the same way, onto the pool's own postgres.js connection.
        for (let i = 0; i < 2; i++) {
          assert.deepEqual(
            await pool.one("select current_user as who, current_setting('application_name') as app"),
            { who: role.name, app: "systemprompt" },
          );
        }
      } finally {
        Deno.env.delete("PGPASSWORD");
      }
    });
  },
});
