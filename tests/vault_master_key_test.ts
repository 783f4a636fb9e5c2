import assert from "node:assert/strict";
import { join } from "node:path";
import { type AppContext, createAppContext } from "@app/context.ts";
import { resolveSecretForCaller } from "@app/vault_resolve.ts";
import { writePendingKey } from "@app/vault_key_files.ts";
import { decodeKey, encodeKey, generateKey } from "@domain/vault/mod.ts";
import { opensCheck, unwrapDataKey } from "@domain/vault/keys.ts";
import type { OwnerKey } from "@domain/vault/owner.ts";
import { resolveHome } from "@infra/config/home.ts";
import { loadConfig } from "@infra/config/load.ts";
import { systemClock } from "@shared/clock.ts";
import { silentLogger } from "@shared/logger.ts";
import { DEV_BUILD } from "@shared/version.ts";
import { testDbMode } from "./support/db.ts";
import { expectExit } from "./support/identity.ts";
import { freePort, runSystemprompt } from "./support/process.ts";
import { createVaultHome, type VaultHome } from "./support/vault_home.ts";

const mode = testDbMode();
const MISMATCH = "vault master key does not decrypt the key ring";
const ORG = { userId: null, department: null } as const;

async function openContext(h: VaultHome, env: Record<string, string> = {}): Promise<AppContext> {
  const layout = resolveHome({ env: h.env, cwd: h.home });
  const config = await loadConfig({ layout, env: { ...h.env, ...env } });
  return await createAppContext({ config, clock: systemClock, log: silentLogger, build: DEV_BUILD });
}

async function secretsJson(
  h: VaultHome,
): Promise<{ path: string; mode: number; json: Record<string, unknown> }> {
  const path = join(h.home, "profiles", "local", "secrets.json");
  const mode = (await Deno.stat(path)).mode! & 0o777;
  return { path, mode, json: JSON.parse(await Deno.readTextFile(path)) as Record<string, unknown> };
}

async function pendingFiles(h: VaultHome): Promise<string[]> {
  const dir = join(h.home, "profiles", "local", "credentials");
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith("master_key.pending")) names.push(entry.name);
  }
  return names;
}

async function setUp(h: VaultHome, env: Record<string, string> = {}): Promise<void> {
  expectExit(await h.sp(["admin", "setup", "--non-interactive"], { env }), 0);
  expectExit(await h.sp(["admin", "users", "create", "--name", "A", "--email", "a@example.com"], { env }), 0);
  const set = (owner: string, value: string) =>
    h.sp(["admin", "secrets", "set", "--owner", owner, "--name", "github", "--value-stdin"], {
      stdin: value,
      env,
    });
  expectExit(await set("org", "org-value-1111\n"), 0);
  expectExit(await set("user:a@example.com", "user-value-2222"), 0);
}

Deno.test(`admin keys rotate-master (${mode}, secrets.json): restart with only the new key`, async (t) => {
  await using h = await createVaultHome();
  await setUp(h);
  const before = await secretsJson(h);
  const oldKey = String(before.json["master_key"]);

  const run = expectExit(await h.sp(["--json", "admin", "keys", "rotate-master"]), 0);
  const rotated = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.deepEqual(
    [rotated["kek_version"], rotated["data_keys"], rotated["source"], rotated["written_to"]],
    [2, 2, "secrets.json", before.path],
  );
  assert.ok(!run.stdout.includes(oldKey) && !("new_master_key" in rotated));

  await t.step("secrets.json is rewritten in place: 0600, new key, old value gone, rest kept", async () => {
    const after = await secretsJson(h);
    assert.equal(after.mode, 0o600);
    assert.notEqual(after.json["master_key"], oldKey);
    assert.ok(decodeKey(String(after.json["master_key"])));
    assert.ok(!(await Deno.readTextFile(after.path)).includes(oldKey));
    assert.equal(after.json["token_pepper"], before.json["token_pepper"]);
    assert.deepEqual(await pendingFiles(h), []);
  });

  await t.step("a fresh process with the new key resolves every secret", async () => {
    await using ctx = await openContext(h);
    const user = await ctx.users.findByEmail("a@example.com");
    assert.ok(user);
    assert.equal((await resolveSecretForCaller(ctx, "github", ORG)).reveal(), "org-value-1111");
    const mine = await resolveSecretForCaller(ctx, "github", { userId: user.id, department: null });
    assert.equal(mine.reveal(), "user-value-2222");
    const event = await ctx.db.one<{ payload: string }>(
      "select payload::text as payload from event_outbox where payload->>'action' = 'vault.master_key_rotated'",
    );
    assert.ok(
      !event.payload.includes(oldKey) &&
        !event.payload.includes(String((await secretsJson(h)).json["master_key"])),
    );
  });

  await t.step("the old key no longer opens anything", async () => {
    const refused = expectExit(
      await h.sp(["admin", "secrets", "list"], { env: { SYSTEMPROMPT_MASTER_KEY: oldKey } }),
      1,
    );
    assert.equal(refused.stderr, `error: ${MISMATCH}\n`);
    await using ctx = await openContext(h);
    const old = decodeKey(oldKey)!;
    const ring = await ctx.db.one<{ kek_version: number; kek_check: Uint8Array }>(
      "select kek_version, kek_check from vault_keyring",
    );
    assert.equal(ring.kek_version, 2);
    assert.ok(!opensCheck(old, 1, ring.kek_check) && !opensCheck(old, 2, ring.kek_check));
    const keys = await ctx.db.many<{ owner: string; kek_version: number; wrapped_key: Uint8Array }>(
      "select owner, kek_version, wrapped_key from vault_data_keys",
    );
    assert.equal(keys.length, 2);
    for (const k of keys) {
      for (const version of [1, 2]) {
        assert.equal(unwrapDataKey(old, version, k.owner as OwnerKey, k.wrapped_key), undefined);
      }
    }
  });
});

Deno.test(`admin keys rotate-master (${mode}, SYSTEMPROMPT_MASTER_KEY): the key is shown once`, async () => {
  await using h = await createVaultHome();
  const k1 = encodeKey(generateKey()).reveal();
  await setUp(h, { SYSTEMPROMPT_MASTER_KEY: k1 });
  const fileKey = (await secretsJson(h)).json["master_key"];
  const run = expectExit(
    await h.sp(["admin", "keys", "rotate-master"], { env: { SYSTEMPROMPT_MASTER_KEY: k1 } }),
    0,
  );
  const k2 = /^new master key \(shown once\): (\S+)$/m.exec(run.stdout)?.[1];
  assert.ok(k2 && decodeKey(k2), run.stdout);
  assert.match(
    run.stdout,
    /set SYSTEMPROMPT_MASTER_KEY to it before the next start, then delete \S+master_key\.pending-/,
  );
  assert.equal((await secretsJson(h)).json["master_key"], fileKey, "secrets.json is not the key's source");
  assert.equal((await pendingFiles(h)).length, 1);

  const stale = expectExit(
    await h.sp(["admin", "secrets", "list"], { env: { SYSTEMPROMPT_MASTER_KEY: k1 } }),
    1,
  );
  assert.match(
    stale.stderr,
    /^error: vault master key does not decrypt the key ring \(a master-key rotation left/,
  );
  assert.ok(!stale.stderr.includes(k2), "the error names the file, not the key");
  expectExit(await h.sp(["admin", "secrets", "list"], { env: { SYSTEMPROMPT_MASTER_KEY: k2 } }), 0);
  assert.deepEqual(await pendingFiles(h), [], "the pending file goes once a process started with the key");
  await using ctx = await openContext(h, { SYSTEMPROMPT_MASTER_KEY: k2 });
  assert.equal((await resolveSecretForCaller(ctx, "github", ORG)).reveal(), "org-value-1111");
});

Deno.test(`vault (${mode}): a rotation cut short after its commit is finished at the next start`, async () => {
  await using h = await createVaultHome();
  await setUp(h);
  const newKek = generateKey();
  const newKey = encodeKey(newKek);
  {
    await using ctx = await openContext(h);
    await writePendingKey(ctx.config.layout, newKey);
    await ctx.db.tx((q) => ctx.vault.rewrapAll(q, newKek, new Date()));
    // "Crash": secrets.json still holds the old key.
  }
  expectExit(await h.sp(["admin", "secrets", "list"]), 0);
  assert.equal((await secretsJson(h)).json["master_key"], newKey.reveal());
  assert.deepEqual(await pendingFiles(h), []);
  await using ctx = await openContext(h);
  assert.equal((await resolveSecretForCaller(ctx, "github", ORG)).reveal(), "org-value-1111");
});

Deno.test({
  name: "a server started with a wrong master key exits 1 and says why",
  ignore: mode === "postgres", // one real process is enough: the check is the same code in both modes
  async fn() {
    await using h = await createVaultHome();
    expectExit(await h.sp(["admin", "setup", "--non-interactive"]), 0);
    const wrong = encodeKey(generateKey()).reveal();
    const env = { ...h.env, SYSTEMPROMPT_MASTER_KEY: wrong, SYSTEMPROMPT_PORT: String(freePort()) };
    const server = await runSystemprompt(["infra", "services", "serve"], env, h.home);
    assert.equal(server.code, 1, server.stderr);
    assert.match(server.stderr, new RegExp(`^error: ${MISMATCH}$`, "m"));
    assert.ok(!server.stderr.includes(wrong) && !server.stdout.includes(wrong));
  },
});
