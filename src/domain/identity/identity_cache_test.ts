import assert from "node:assert/strict";
import { newSessionId, newUserId, type UserId } from "@shared/ids.ts";
import { IdentityCache, type IdentitySource, parseIdentityEvent } from "./identity_cache.ts";
import type { User } from "./user.ts";

function user(id: UserId, roles: string[]): User {
  return {
    id,
    name: "n",
    email: `${id}@x`,
    roles,
    department: null,
    status: "active",
    createdAt: new Date(0),
  };
}

/** A source whose answers the test changes, counting the lookups that reach it. */
function fakeSource() {
  const users = new Map<UserId, User>();
  let reads = 0;
  const source = {
    findUser: (id: UserId) => {
      reads++;
      return Promise.resolve(users.get(id));
    },
    findSession: () => Promise.resolve(undefined),
    findApiKey: () => Promise.resolve(undefined),
  } satisfies IdentitySource;
  return { source, users, reads: () => reads };
}

Deno.test("IdentityCache serves a user from memory until the TTL passes", async () => {
  const fake = fakeSource();
  let now = 0;
  const cache = new IdentityCache(fake.source, { ttlMs: 1_000, nowMs: () => now });
  const id = newUserId();
  fake.users.set(id, user(id, ["admin"]));
  assert.deepEqual((await cache.findUser(id))?.roles, ["admin"]);
  fake.users.set(id, user(id, ["user"]));
  now = 999;
  assert.deepEqual((await cache.findUser(id))?.roles, ["admin"], "still cached");
  now = 1_000;
  assert.deepEqual((await cache.findUser(id))?.roles, ["user"], "expired entry reloaded");
  assert.equal(fake.reads(), 2);
});

Deno.test("IdentityCache never keeps an entry longer than 30 s, whatever it is told", async () => {
  const fake = fakeSource();
  let now = 0;
  const cache = new IdentityCache(fake.source, { ttlMs: 3_600_000, nowMs: () => now });
  const id = newUserId();
  fake.users.set(id, user(id, ["admin"]));
  await cache.findUser(id);
  now = 30_000;
  await cache.findUser(id);
  assert.equal(fake.reads(), 2);
});

Deno.test("invalidateUser() drops that user's entries only, and misses are not cached", async () => {
  const fake = fakeSource();
  const cache = new IdentityCache(fake.source);
  const [a, b] = [newUserId(), newUserId()];
  fake.users.set(a, user(a, ["admin"]));
  fake.users.set(b, user(b, ["admin"]));
  await cache.findUser(a);
  await cache.findUser(b);
  fake.users.set(a, user(a, ["user"]));
  cache.invalidateUser(a);
  assert.deepEqual((await cache.findUser(a))?.roles, ["user"]);
  assert.deepEqual((await cache.findUser(b))?.roles, ["admin"]);
  const missing = newUserId();
  assert.equal(await cache.findUser(missing), undefined);
  fake.users.set(missing, user(missing, ["user"]));
  assert.ok(await cache.findUser(missing), "a miss is looked up again");
});

Deno.test("a lookup in flight during an invalidation is not stored", async () => {
  const id = newUserId();
  let release: (u: User) => void = () => {};
  let reads = 0;
  const source: IdentitySource = {
    findUser: () => {
      reads++;
      return reads === 1
        ? new Promise<User>((resolve) => (release = resolve))
        : Promise.resolve(user(id, ["user"]));
    },
    findSession: () => Promise.resolve(undefined),
    findApiKey: () => Promise.resolve(undefined),
  };
  const cache = new IdentityCache(source);
  const pending = cache.findUser(id);
  cache.invalidateUser(id); // the demotion committed while the old row was on its way
  release(user(id, ["admin"]));
  assert.deepEqual((await pending)?.roles, ["admin"]);
  assert.deepEqual((await cache.findUser(id))?.roles, ["user"], "the stale answer was not cached");
});

Deno.test("IdentityCache evicts the oldest entry beyond maxEntries", async () => {
  const fake = fakeSource();
  const cache = new IdentityCache(fake.source, { maxEntries: 2 });
  const ids = [newUserId(), newUserId(), newUserId()];
  for (const id of ids) fake.users.set(id, user(id, []));
  for (const id of ids) await cache.findUser(id);
  assert.equal(cache.size, 2);
  await cache.findUser(ids[0]!);
  assert.equal(fake.reads(), 4, "the first was evicted and read again");
});

Deno.test("parseIdentityEvent() reads user:<id> and keys, anything else clears all", () => {
  const id = newUserId();
  assert.deepEqual(parseIdentityEvent(`user:${id}`), { kind: "user", userId: id });
  assert.deepEqual(parseIdentityEvent("keys"), { kind: "keys" });
  assert.deepEqual(parseIdentityEvent("user:nope"), { kind: "all" });
  assert.deepEqual(parseIdentityEvent(newSessionId()), { kind: "all" });
});
