import assert from "node:assert/strict";
import {
  deleteSecret,
  rotateOwnerDataKey,
  rotateSecret,
  setSecret,
  type VaultAdminDeps,
} from "@app/vault_admin.ts";
import {
  createKnownSecrets,
  resolveSecretForCaller,
  resolveTemplate,
  resolveTemplates,
  type SecretCaller,
  secretReferences,
  vaultDenyVerdict,
  type VaultResolveDeps,
} from "@app/vault_resolve.ts";
import { runVaultMaintenance } from "@app/vault_maintenance.ts";
import type { User } from "@domain/identity/mod.ts";
import type { SecretName } from "@domain/vault/mod.ts";
import { isAppError } from "@shared/errors.ts";
import { Secret } from "@shared/secret.ts";
import { testDbMode } from "./support/db.ts";
import { adminChanges, eventually, makeUser } from "./support/identity.ts";
import { openTestApp, type TestApp } from "./support/test_app.ts";

const mode = testDbMode();
const CLI = { kind: "cli" } as const;
const CANARY = "sk-vault-canary-7d41e0c9b2a8f356";

function deps(t: TestApp): VaultAdminDeps & VaultResolveDeps {
  return { db: t.ctx.db, vault: t.ctx.vault, clock: t.ctx.clock, log: t.ctx.log };
}

async function set(t: TestApp, owner: string, name: string, value: string) {
  return await setSecret(deps(t), { owner, name: name as SecretName, value: new Secret(value), actor: CLI });
}

async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(isAppError(error), String(error));
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** Every row of every table as PostgreSQL prints it (bytea as hex): a pg_dump stand-in. */
async function dumpAllTables(t: TestApp): Promise<string> {
  const tables = await t.ctx.db.many<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await t.ctx.db.many<{ row: string }>(`select t::text as row from "${name}" t`);
    parts.push(`-- ${name}`, ...rows.map((r) => r.row));
  }
  return parts.join("\n");
}

function as(user: User): SecretCaller {
  return { userId: user.id, department: user.department };
}

function hexOf(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test(`vault resolution (${mode}): user, then department, then organisation`, async (t) => {
  await using app = await openTestApp();
  const [alice, bob, carol, dave] = [
    await makeUser(app.ctx, "alice@example.com", ["user"], "eng"),
    await makeUser(app.ctx, "bob@example.com", ["user"], "legal"),
    await makeUser(app.ctx, "carol@example.com", ["user"], "eng"),
    await makeUser(app.ctx, "dave@example.com"),
  ];
  await set(app, "org", "github", "org-github-value");
  await set(app, "user:alice@example.com", "github", "alice-github-value");
  await set(app, `user:${bob.id}`, "github", "bob-github-value");
  await set(app, "department:eng", "github", "eng-github-value");
  const d = deps(app);

  await t.step("each user reaches their own value; others fall back to department, then org", async () => {
    const got = async (u: User) => (await resolveSecretForCaller(d, "github", as(u))).reveal();
    assert.equal(await got(alice), "alice-github-value");
    assert.equal(await got(bob), "bob-github-value");
    assert.equal(await got(carol), "eng-github-value");
    assert.equal(await got(dave), "org-github-value");
    const system = await resolveSecretForCaller(d, "github", { userId: null, department: null });
    assert.equal(system.reveal(), "org-github-value");
  });

  await t.step("a missing secret names the secret, never a value", async () => {
    await rejects(
      resolveSecretForCaller(d, "gitlab", as(alice)),
      "vault.secret_missing",
      /^secret gitlab is not set for this user, their department or the organisation$/,
    );
    const verdict = vaultDenyVerdict(await resolveSecretForCaller(d, "gitlab", as(alice)).catch((e) => e));
    assert.deepEqual(verdict && [verdict.decision, verdict.policy], ["deny", "vault"]);
    assert.equal(vaultDenyVerdict(new Error("other")), undefined);
  });

  await t.step("templates: whole-value and ${secret:x}; values registered as known", async () => {
    const known = createKnownSecrets();
    const bearer = await resolveTemplate(d, "Bearer ${secret:github}", as(alice), known);
    assert.equal(bearer.reveal(), "Bearer alice-github-value");
    assert.equal(String(bearer), "[REDACTED]");
    const env = await resolveTemplates(d, { GITHUB_TOKEN: "secret:github", MODE: "plain" }, as(bob), known);
    assert.deepEqual(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.reveal()])), {
      GITHUB_TOKEN: "bob-github-value",
      MODE: "plain",
    });
    assert.equal(known.size, 2);
    const result = `out: alice-github-value ${btoa("bob-github-value")}`;
    assert.equal(known.redactKnown(result), "out: [REDACTED] [REDACTED]");
    assert.deepEqual(secretReferences("${secret:a} ${secret:b} ${secret:a}"), ["a", "b"]);
    assert.throws(
      () => secretReferences("${secret:bad|name}"),
      (e) => isAppError(e, "vault.invalid_reference"),
    );
    await rejects(resolveTemplate(d, "secret:", as(alice)), "vault.invalid_reference");
  });
});

Deno.test(`vault storage (${mode}): no plaintext at rest, admin events without values`, async () => {
  await using app = await openTestApp();
  const d = deps(app);
  await set(app, "org", "canary", CANARY);
  await rotateSecret(d, { owner: "org", name: "canary" as SecretName, actor: CLI });
  await rotateOwnerDataKey(d, { owner: "org", actor: CLI });
  assert.equal((await resolveSecretForCaller(d, "canary", as(app.admin))).reveal(), CANARY);
  await set(app, "org", "deleted", CANARY);
  await deleteSecret(d, { owner: "org", name: "deleted" as SecretName, actor: CLI });
  const dump = await dumpAllTables(app);
  assert.match(dump, /-- vault_secrets\n\("?org"?,canary,/, "the dump covers the vault tables");
  for (const form of [CANARY, hexOf(CANARY), btoa(CANARY), app.ctx.config.secrets.masterKey.reveal()]) {
    assert.ok(!dump.includes(form), `the dump contains ${form.slice(0, 12)}…`);
  }
  const actions = (await adminChanges(app.ctx)).map((p) => p["action"]);
  assert.deepEqual(actions.filter((a) => String(a).startsWith("secret.")), [
    "secret.set",
    "secret.rotated",
    "secret.data_key_rotated",
    "secret.set",
    "secret.deleted",
  ]);
  const [first] = (await adminChanges(app.ctx)).filter((p) => p["action"] === "secret.set");
  assert.deepEqual(first?.["target"], { owner: "org", name: "canary", version: 1 });
  assert.deepEqual(first?.["actor"], { kind: "cli" });
});

Deno.test(`vault integrity (${mode}): tampered or swapped rows decrypt nothing and raise an event`, async (t) => {
  await using app = await openTestApp();
  const d = deps(app);
  const alice = await makeUser(app.ctx, "alice@example.com");
  const bob = await makeUser(app.ctx, "bob@example.com");
  await set(app, `user:${alice.id}`, "github", "alice-value-123");
  await set(app, `user:${bob.id}`, "github", "bob-value-456");
  await set(app, "org", "other", "org-other-value");

  await t.step("a flipped ciphertext byte is refused (vault.integrity_failure) and alarmed", async () => {
    await app.ctx.db.exec(
      `update vault_secrets set ciphertext = set_byte(ciphertext, 40, get_byte(ciphertext, 40) # 1)
       where owner = 'user:${alice.id}'`,
    );
    await rejects(
      resolveSecretForCaller(d, "github", as(alice)),
      "vault.integrity_failure",
      /^secret github failed/,
    );
    const alarm = (await adminChanges(app.ctx)).find((p) => p["action"] === "secret.integrity_failed");
    assert.deepEqual(alarm?.["target"], { owner: `user:${alice.id}`, name: "github", version: 1 });
    assert.deepEqual(alarm?.["actor"], { kind: "system" });
    assert.deepEqual(
      vaultDenyVerdict(await resolveSecretForCaller(d, "github", as(alice)).catch((e) => e))?.policy,
      "vault",
    );
  });

  await t.step("bob's sealed row copied over alice's does not open as alice's", async () => {
    await app.ctx.db.exec(
      `update vault_secrets a set ciphertext = b.ciphertext, dek_id = b.dek_id from vault_secrets b
       where a.owner = 'user:${alice.id}' and b.owner = 'user:${bob.id}'`,
    );
    await rejects(resolveSecretForCaller(d, "github", as(alice)), "vault.integrity_failure");
    assert.equal((await resolveSecretForCaller(d, "github", as(bob))).reveal(), "bob-value-456");
  });

  await t.step("a row renamed in place (AAD binds the name) is refused", async () => {
    await app.ctx.db.exec(`update vault_secrets set name = 'renamed' where owner = 'org' and name = 'other'`);
    await rejects(resolveSecretForCaller(d, "renamed", as(alice)), "vault.integrity_failure");
  });

  await t.step("a tampered wrapped data key is refused", async () => {
    await app.ctx.db.exec(
      `update vault_data_keys set wrapped_key = set_byte(wrapped_key, 10, get_byte(wrapped_key, 10) # 1)
       where owner = 'user:${bob.id}'`,
    );
    await rejects(resolveSecretForCaller(d, "github", as(bob)), "vault.integrity_failure");
  });
});

Deno.test(`vault data-key rotation (${mode}): secrets move lazily and by the maintenance job`, async () => {
  await using app = await openTestApp();
  const d = deps(app);
  for (const name of ["a", "b", "c"]) await set(app, "org", name, `value-of-${name}`);
  const dekOf = async (name: string) =>
    (await app.ctx.db.one<{ id: string }>(
      "select dek_id::text as id from vault_secrets where owner = 'org' and name = $1",
      [name],
    )).id;
  const before = await dekOf("a");
  const rotated = await rotateOwnerDataKey(d, { owner: "org", actor: CLI });
  assert.equal(rotated.retired, 1);
  assert.equal(await dekOf("a"), before, "nothing is re-encrypted eagerly");
  assert.equal((await resolveSecretForCaller(d, "a", as(app.admin))).reveal(), "value-of-a");
  await eventually(async () => (await dekOf("a")) !== before);
  assert.equal(await runVaultMaintenance(d), 2);
  assert.equal(await dekOf("b"), await dekOf("a"));
  const keys = await app.ctx.db.many("select status from vault_data_keys where owner = 'org'");
  assert.deepEqual(keys, [{ status: "active" }], "the retired data key is dropped once unused");
  for (const name of ["a", "b", "c"]) {
    assert.equal((await resolveSecretForCaller(d, name, as(app.admin))).reveal(), `value-of-${name}`);
  }
  const record = await rotateSecret(d, { owner: "org", name: "a" as SecretName, actor: CLI });
  assert.equal(record.version, 2);
  assert.equal((await resolveSecretForCaller(d, "a", as(app.admin))).reveal(), "value-of-a");
});
