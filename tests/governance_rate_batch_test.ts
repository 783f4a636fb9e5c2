import assert from "node:assert/strict";
import { createSqlRateLimiter } from "@domain/governance/mod.ts";
import type { Db } from "@infra/db/db.ts";
import { openTestDb, testDbMode } from "./support/db.ts";

const mode = testDbMode();

function spied(db: Db): { db: Db; calls: () => number } {
  let calls = 0;
  const count = <F extends (...a: never[]) => unknown>(f: F): F =>
    ((...a: never[]) => (calls++, f(...a))) as F;
  return { db: { ...db, one: count(db.one), many: count(db.many) }, calls: () => calls };
}

Deno.test(`rate limiter (${mode}): 320 concurrent charges of one key → exactly 300 allowed, in fewer round trips`, async () => {
  await using db = await openTestDb();
  const spy = spied(db);
  const limiter = createSqlRateLimiter(spy.db);
  const charges = await Promise.all(Array.from({ length: 320 }, () => limiter.charge("s:u", 300, 60, false)));
  assert.equal(charges.filter((c) => c.allowed).length, 300);
  assert.deepEqual(charges.slice(0, 300).map((c) => c.used), Array.from({ length: 300 }, (_, i) => i + 1));
  assert.ok(charges.slice(300).every((c) => !c.allowed && c.used === 300 && c.retryAfterMs > 0));
  assert.ok(spy.calls() < 320 / 4, `round trips: ${spy.calls()}`);
  const hits = await db.one<{ n: number }>("select coalesce(sum(hits), 0)::int as n from rate_limit_hits");
  assert.equal(hits.n, 300);
});

Deno.test(`rate limiter (${mode}): interleaved keys are charged independently; dry runs charge nothing`, async () => {
  await using db = await openTestDb();
  const limiter = createSqlRateLimiter(db);
  const keys = Array.from({ length: 10 }, (_, k) => `sess_${k}:user`);
  const calls = Array.from({ length: 80 }, (_, i) => ({ key: keys[i % 10]!, dry: i % 16 === 15 }));
  const charges = await Promise.all(calls.map((c) => limiter.charge(c.key, 5, 60, c.dry)));
  for (const key of keys) {
    const mine = charges.filter((_, i) => calls[i]!.key === key && !calls[i]!.dry);
    assert.equal(mine.filter((c) => c.allowed).length, 5, key);
  }
  const dry = await limiter.charge(keys[0]!, 6, 60, true);
  assert.deepEqual(dry, { allowed: true, used: 5, retryAfterMs: 0 });
  const hits = await db.one<{ n: number }>("select coalesce(sum(hits), 0)::int as n from rate_limit_hits");
  assert.equal(hits.n, 50);
});

Deno.test(`rate limiter (${mode}): a failed round trip rejects its charges; the next charge goes through`, async () => {
  await using db = await openTestDb();
  let broken = true;
  const flaky: Db = {
    ...db,
    one: (sql, params) => broken ? Promise.reject(new Error("connection lost")) : db.one(sql, params),
    many: (sql, params) => broken ? Promise.reject(new Error("connection lost")) : db.many(sql, params),
  };
  const limiter = createSqlRateLimiter(flaky);
  const failed = await Promise.allSettled(
    Array.from({ length: 5 }, () => limiter.charge("k", 10, 60, false)),
  );
  assert.ok(failed.every((r) => r.status === "rejected"));
  broken = false;
  assert.deepEqual(await limiter.charge("k", 10, 60, false), { allowed: true, used: 1, retryAfterMs: 0 });
});

Deno.test(`rate limiter (${mode}): charges made in one turn share a round trip; a refund hands one charge back`, async () => {
  await using db = await openTestDb();
  const spy = spied(db);
  const limiter = createSqlRateLimiter(spy.db);
  // A call's quota and rate-limit charges are made in the same turn of the event loop.
  const [quota, rate] = await Promise.all([
    limiter.charge("quota:user-rpm:u", 2, 60, false),
    limiter.charge("s:u", 2, 60, false),
  ]);
  assert.deepEqual([quota.used, rate.used], [1, 1]);
  assert.equal(spy.calls(), 1);
  await limiter.charge("s:u", 2, 60, false);
  assert.equal((await limiter.charge("s:u", 2, 60, false)).allowed, false);
  await limiter.refund("s:u");
  assert.deepEqual(await limiter.charge("s:u", 2, 60, false), { allowed: true, used: 2, retryAfterMs: 0 });
  // Refunding down to nothing removes the row; a refund of an unknown key changes nothing.
  await limiter.refund("quota:user-rpm:u");
  await limiter.refund("never-charged");
  const rows = await db.many<{ key: string; hits: number }>(
    "select key, sum(hits)::int as hits from rate_limit_hits group by key order by key",
  );
  assert.deepEqual(rows, [{ key: "s:u", hits: 2 }]);
});
