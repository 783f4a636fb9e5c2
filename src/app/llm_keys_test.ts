import assert from "node:assert/strict";
import { fixedClock } from "@shared/clock.ts";
import { AppError } from "@shared/errors.ts";
import type { LogFields, Logger } from "@shared/logger.ts";
import { Secret } from "@shared/secret.ts";
import { cachedProviderKeys } from "./llm_keys.ts";
import { createKnownSecrets } from "./vault_known.ts";

const CALLER = { userId: null, department: null };

/** A vault stand-in whose reads the test releases one by one. */
function gatedVault() {
  const waiting: { resolve: (s: Secret) => void; reject: (e: unknown) => void }[] = [];
  let reads = 0;
  return {
    resolveKey: () => {
      reads++;
      return new Promise<Secret>((resolve, reject) => waiting.push({ resolve, reject }));
    },
    get reads() {
      return reads;
    },
    answer(value: string) {
      waiting.shift()!.resolve(new Secret(value));
    },
    fail(error: unknown) {
      waiting.shift()!.reject(error);
    },
    get waiting() {
      return waiting.length;
    },
  };
}

function recordingLogger(events: string[]): Logger {
  const log = (event: string, fields?: LogFields) => void events.push(`${event} ${JSON.stringify(fields)}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("provider keys: concurrent misses share one vault read and every call registers the key", async () => {
  const vault = gatedVault();
  const clock = fixedClock(new Date("2026-12-02T00:00:00Z"));
  const keys = cachedProviderKeys(vault.resolveKey, { clock, log: recordingLogger([]) });
  const known = [createKnownSecrets(), createKnownSecrets(), createKnownSecrets()];
  const calls = known.map((k) => keys.resolve("anthropic", CALLER, k));
  await settle();
  assert.equal(vault.reads, 1);
  vault.answer("sk-ant-canary-0001");
  const values = await Promise.all(calls);
  assert.deepEqual(values.map((v) => v.reveal()), Array(3).fill("sk-ant-canary-0001"));
  for (const k of known) assert.equal(k.redactKnown("x sk-ant-canary-0001 y").includes("canary"), false);
});

Deno.test("provider keys: past half its life a hit is served at once and refreshed in the background", async () => {
  const vault = gatedVault();
  const clock = fixedClock(new Date("2026-12-02T00:00:00Z"));
  const keys = cachedProviderKeys(vault.resolveKey, { clock, log: recordingLogger([]) }, { ttlMs: 2_000 });
  const first = keys.resolve("anthropic", CALLER, createKnownSecrets());
  vault.answer("key-one");
  await first;

  clock.advance(900); // young: no refresh
  assert.equal((await keys.resolve("anthropic", CALLER, createKnownSecrets())).reveal(), "key-one");
  assert.equal(vault.reads, 1);

  clock.advance(200); // 1.1 s old: served, one refresh starts, later hits do not start another
  assert.equal((await keys.resolve("anthropic", CALLER, createKnownSecrets())).reveal(), "key-one");
  assert.equal((await keys.resolve("anthropic", CALLER, createKnownSecrets())).reveal(), "key-one");
  assert.equal(vault.reads, 2);
  vault.answer("key-two"); // the vault changed meanwhile
  await settle();
  assert.equal((await keys.resolve("anthropic", CALLER, createKnownSecrets())).reveal(), "key-two");

  // The refreshed entry lives from the refresh's start: at 2.1 s after it, calls wait for the vault.
  clock.advance(2_100);
  const late = keys.resolve("anthropic", CALLER, createKnownSecrets());
  await settle();
  assert.equal(vault.waiting, 1);
  vault.answer("key-three");
  assert.equal((await late).reveal(), "key-three");
});

Deno.test("provider keys: a failed refresh drops the entry, so the next call meets the failure", async () => {
  const vault = gatedVault();
  const events: string[] = [];
  const clock = fixedClock(new Date("2026-12-02T00:00:00Z"));
  const keys = cachedProviderKeys(vault.resolveKey, { clock, log: recordingLogger(events) }, {
    ttlMs: 2_000,
  });
  const first = keys.resolve("anthropic", CALLER, createKnownSecrets());
  vault.answer("sk-ant-canary-0002");
  await first;
  clock.advance(1_500);
  assert.equal(
    (await keys.resolve("anthropic", CALLER, createKnownSecrets())).reveal(),
    "sk-ant-canary-0002",
  );
  vault.fail(new AppError("vault.secret_missing", "secret anthropic is not set"));
  await settle();
  assert.equal(events.length, 1);
  assert.match(events[0]!, /^llm\.provider_key_refresh_failed .*vault\.secret_missing/);
  assert.equal(events[0]!.includes("canary"), false);

  const next = keys.resolve("anthropic", CALLER, createKnownSecrets());
  await settle();
  assert.equal(vault.reads, 3, "the entry is gone: the call reads the vault");
  vault.fail(new AppError("vault.secret_missing", "secret anthropic is not set"));
  await assert.rejects(next, (e: unknown) => e instanceof AppError && e.code === "vault.secret_missing");
});

Deno.test("provider keys: entries are per secret, user and department; ttl 0 reads every time", async () => {
  const vault = gatedVault();
  const clock = fixedClock(new Date("2026-12-02T00:00:00Z"));
  const keys = cachedProviderKeys(vault.resolveKey, { clock, log: recordingLogger([]) });
  const a = keys.resolve("anthropic", { userId: "u1" as never, department: "eng" }, createKnownSecrets());
  const b = keys.resolve("anthropic", { userId: "u1" as never, department: "ops" }, createKnownSecrets());
  const c = keys.resolve("openai", { userId: "u1" as never, department: "eng" }, createKnownSecrets());
  await settle();
  assert.equal(vault.reads, 3);
  vault.answer("a");
  vault.answer("b");
  vault.answer("c");
  assert.deepEqual([(await a).reveal(), (await b).reveal(), (await c).reveal()], ["a", "b", "c"]);

  const uncached = cachedProviderKeys(vault.resolveKey, { clock, log: recordingLogger([]) }, { ttlMs: 0 });
  for (const value of ["d", "e"]) {
    const call = uncached.resolve("anthropic", CALLER, createKnownSecrets());
    await settle();
    vault.answer(value);
    assert.equal((await call).reveal(), value);
  }
  assert.equal(vault.reads, 5);
});
