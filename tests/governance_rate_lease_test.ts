import assert from "node:assert/strict";
import {
  createLeasingRateLimiter,
  createSqlRateLimiter,
  type RateLeaseOptions,
} from "@domain/governance/mod.ts";
import type { Db } from "@infra/db/db.ts";
import { silentLogger } from "@shared/logger.ts";
import { openTestDb, testDbMode } from "./support/db.ts";

const mode = testDbMode();

function spied(db: Db): { db: Db; calls: () => number } {
  let calls = 0;
  const count = <F extends (...a: never[]) => unknown>(f: F): F =>
    ((...a: never[]) => (calls++, f(...a))) as F;
  return {
    db: { ...db, one: count(db.one), many: count(db.many), query: count(db.query) },
    calls: () => calls,
  };
}

function leasing(db: Db, options: RateLeaseOptions = {}) {
  return createLeasingRateLimiter({ db, inner: createSqlRateLimiter(db), log: silentLogger }, options);
}

async function hits(db: Db, key?: string): Promise<number> {
  const row = await db.one<{ n: number }>(
    "select coalesce(sum(hits), 0)::int as n from rate_limit_hits where $1::text is null or key = $1",
    [key ?? null],
  );
  return row.n;
}

/** `calls` charges of one key, `width` at a time, spread over `limiters` like calls over processes. */
async function run(limiters: readonly ReturnType<typeof leasing>[], calls: number, limit: number, width = 8) {
  const out: boolean[] = [];
  for (let i = 0; i < calls; i += width) {
    const wave = Array.from(
      { length: Math.min(width, calls - i) },
      (_, j) => limiters[(i + j) % limiters.length]!.charge("s:u", limit, 60, false),
    );
    out.push(...(await Promise.all(wave)).map((c) => c.allowed));
  }
  return out;
}

Deno.test(`rate leases (${mode}): a busy key is charged in blocks; 320 calls → exactly 300 allowed, counted 300`, async () => {
  await using db = await openTestDb();
  const spy = spied(db);
  const limiter = leasing(spy.db);
  const allowed = await run([limiter], 320, 300);
  assert.equal(allowed.filter(Boolean).length, 300);
  assert.deepEqual(allowed.slice(0, 300), Array(300).fill(true));
  assert.ok(spy.calls() < 200, `round trips: ${spy.calls()}`);
  await limiter[Symbol.asyncDispose]();
  assert.equal(await hits(db), 300);
});

Deno.test(`rate leases (${mode}): two processes sharing a key → exactly 300 of 320 allowed`, async () => {
  await using db = await openTestDb();
  const a = leasing(db);
  const b = leasing(db);
  const allowed = await run([a, b], 320, 300);
  assert.equal(allowed.filter(Boolean).length, 300);
  await a[Symbol.asyncDispose]();
  await b[Symbol.asyncDispose]();
  assert.equal(await hits(db), 300);
});

Deno.test(`rate leases (${mode}): at a high limit most calls need no round trip; unused hits go back at expiry`, async () => {
  await using db = await openTestDb();
  const spy = spied(db);
  const limiter = leasing(spy.db, { ttlMs: 150, maxBlock: 16 });
  const allowed = await run([limiter], 200, 1_000_000, 4);
  assert.ok(allowed.every(Boolean));
  assert.ok(spy.calls() <= 200 / 16 + 10, `round trips: ${spy.calls()}`);
  await limiter.settled();
  const held = limiter.held();
  assert.ok(held > 0, "a block is held after the burst");
  // Leased hits are counted by everyone the moment they are granted.
  assert.equal(await hits(db), 200 + held);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(limiter.held(), 0);
  assert.equal(await hits(db), 200);
  await limiter[Symbol.asyncDispose]();
});

Deno.test(`rate leases (${mode}): a block another process holds is counted; near the limit calls are charged alone`, async () => {
  await using db = await openTestDb();
  const a = leasing(db);
  await run([a], 12, 100, 1);
  await a.settled();
  const heldByA = a.held();
  assert.ok(heldByA > 0);
  const b = createSqlRateLimiter(db);
  const seen = await b.charge("s:u", 100, 60, true);
  assert.equal(seen.used, 12 + heldByA);
  // A limit of 6: no block may pass half of it, so the numbering is exact call by call.
  const c = leasing(db);
  const used = [];
  for (let i = 0; i < 8; i++) used.push(await c.charge("k:6", 6, 60, false));
  assert.deepEqual(used.map((x) => x.allowed), [true, true, true, true, true, true, false, false]);
  assert.deepEqual(used.slice(0, 6).map((x) => x.used), [1, 2, 3, 4, 5, 6]);
  await c[Symbol.asyncDispose]();
  assert.equal(await hits(db, "k:6"), 6);
  await a[Symbol.asyncDispose]();
  assert.equal(await hits(db, "s:u"), 12);
});

Deno.test(`rate leases (${mode}): a refund goes back into the block without a round trip; dry runs look only`, async () => {
  await using db = await openTestDb();
  const spy = spied(db);
  const limiter = leasing(spy.db);
  await run([limiter], 10, 1000, 1);
  await limiter.settled();
  const before = { calls: spy.calls(), held: limiter.held() };
  assert.ok(before.held > 0);
  await limiter.refund("s:u");
  assert.deepEqual({ calls: spy.calls(), held: limiter.held() }, { ...before, held: before.held + 1 });
  const dry = await limiter.charge("s:u", 1000, 60, true);
  assert.equal(dry.used, 10 + before.held);
  await limiter[Symbol.asyncDispose]();
  assert.equal(await hits(db), 9);
});
