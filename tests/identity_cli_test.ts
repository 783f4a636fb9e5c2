import { createCliHome } from "./support/cli_home.ts";
import assert from "node:assert/strict";
import { testDbMode } from "./support/db.ts";
import { type CliRun, runCliCaptured } from "./support/cli_io.ts";
import { expectExit } from "./support/identity.ts";

const mode = testDbMode();
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<
    string,
    unknown
  >;
}

Deno.test(`admin identity CLI (${mode}): users, sessions, plugin tokens, API keys, key rotation`, async (t) => {
  await using h = await createCliHome("sp_idcli_");
  const sp = (...argv: string[]) => runCliCaptured(argv, h.env, h.home);
  const json = async <T>(...argv: string[]): Promise<T> =>
    JSON.parse(expectExit(await sp("--json", ...argv), 0).stdout) as T;
  const failure = async (code: number, ...argv: string[]): Promise<{ code: string; message: string }> => {
    const run: CliRun = expectExit(await sp("--json", ...argv), code);
    assert.equal(run.stdout, "");
    return (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;
  };
  expectExit(await sp("admin", "setup", "--non-interactive"), 0);

  await t.step("bootstrap is idempotent: created=true, then created=false", async () => {
    const first = expectExit(await sp("admin", "bootstrap", "--email", "root@example.com"), 0).stdout;
    assert.match(first, /^created=true$/m);
    const again = expectExit(await sp("admin", "bootstrap", "--email", "root@example.com"), 0).stdout;
    assert.match(again, /^created=false$/m);
    assert.match(again, /^promoted=false$/m);
  });

  await t.step("users create, duplicate refusal, --if-not-exists, list, show, search", async () => {
    const made = await json<{ created: boolean; roles: string[]; department: string }>(
      "admin",
      "users",
      "create",
      "--name",
      "Uma",
      "--email",
      "uma@example.com",
      "--department",
      "legal",
    );
    assert.deepEqual([made.created, made.roles, made.department], [true, ["user"], "legal"]);
    const dup = await failure(1, "admin", "users", "create", "--name", "U", "--email", "UMA@example.com");
    assert.equal(dup.code, "identity.user_exists");
    const text = expectExit(
      await sp("admin", "users", "create", "--name", "U", "--email", "uma@example.com"),
      1,
    );
    assert.match(text.stderr, /^error: a user with email uma@example.com already exists\n$/);
    const again = await json<{ created: boolean }>(
      "admin",
      "users",
      "create",
      "--name",
      "U",
      "--email",
      "uma@example.com",
      "--if-not-exists",
    );
    assert.equal(again.created, false);
    const list = await json<{ columns: string[]; items: { email: string }[] }>("admin", "users", "list");
    assert.deepEqual(list.columns, ["id", "name", "email", "roles", "department", "status", "created_at"]);
    assert.deepEqual(list.items.map((u) => u.email).sort(), [
      "admin@localhost",
      "root@example.com",
      "uma@example.com",
    ]);
    assert.equal(
      (await json<{ email: string }>("admin", "users", "show", "uma@example.com")).email,
      "uma@example.com",
    );
    const found = await json<{ items: { email: string }[] }>("admin", "users", "search", "LEG");
    assert.deepEqual(found.items.map((u) => u.email), ["uma@example.com"]);
    assert.equal(
      (await failure(1, "admin", "users", "show", "nobody@example.com")).code,
      "identity.user_not_found",
    );
  });

  await t.step("role promote/demote and ban", async () => {
    const up = await json<{ roles: string[]; changed: boolean }>(
      "admin",
      "users",
      "role",
      "promote",
      "uma@example.com",
    );
    assert.deepEqual([up.roles, up.changed], [["user", "admin"], true]);
    const down = await json<{ roles: string[] }>("admin", "users", "role", "demote", "uma@example.com");
    assert.deepEqual(down.roles, ["user"]);
    const banned = await json<{ status: string }>("admin", "users", "ban", "uma@example.com");
    assert.equal(banned.status, "banned");
    const refused = await failure(
      1,
      "admin",
      "session",
      "login",
      "--email",
      "uma@example.com",
      "--token-only",
    );
    assert.equal(refused.code, "identity.user_inactive");
    await json("admin", "users", "unban", "uma@example.com");
  });

  await t.step("session login --token-only prints only the JWT, for any active user", async () => {
    const run = expectExit(
      await sp("admin", "session", "login", "--email", "uma@example.com", "--token-only"),
      0,
    );
    assert.match(run.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = claimsOf(run.stdout.trim());
    assert.deepEqual(claims["aud"], ["web", "api", "mcp", "a2a"]);
    assert.equal(Number(claims["exp"]) - Number(claims["iat"]), 86_400);
    const short = expectExit(
      await sp("admin", "session", "login", "--email", "root@example.com", "--ttl", "30m", "--token-only"),
      0,
    );
    const c = claimsOf(short.stdout.trim());
    assert.equal(Number(c["exp"]) - Number(c["iat"]), 1800);
    assert.equal(
      (await failure(1, "admin", "session", "login", "--email", "x@example.com")).code,
      "identity.user_not_found",
    );
  });

  await t.step("issue-plugin-token: hook token for admins, refused for users", async () => {
    const run = expectExit(
      await sp(
        "admin",
        "keys",
        "issue-plugin-token",
        "--email",
        "root@example.com",
        "--plugin-id",
        "acme",
        "--duration-days",
        "7",
      ),
      0,
    );
    assert.match(run.stdout.trim(), JWT);
    const claims = claimsOf(run.stdout.trim());
    assert.ok((claims["aud"] as string[]).includes("hook"));
    assert.deepEqual([claims["scope"], claims["plugin_id"]], ["hook:govern hook:track", "acme"]);
    const refused = expectExit(
      await sp("admin", "keys", "issue-plugin-token", "--email", "uma@example.com"),
      1,
    );
    assert.match(
      refused.stderr,
      /^error: plugin tokens are issued to admins only; uma@example.com has roles user\n$/,
    );
    assert.equal(refused.stdout, "");
  });

  await t.step("api-keys issue prints the key once; list never shows it; revoke", async () => {
    const run = expectExit(
      await sp("admin", "api-keys", "issue", "--email", "uma@example.com", "--name", "ci"),
      0,
    );
    const key = run.stdout.trim();
    assert.match(run.stdout, /^sp-live-[0-9a-f]{12}\.[0-9a-f]{52}\n$/);
    const list = await json<{ columns: string[]; items: { prefix: string; status: string }[] }>(
      "admin",
      "api-keys",
      "list",
    );
    assert.ok(!JSON.stringify(list).includes(key.slice(21)));
    assert.deepEqual(list.items.map((k) => [k.prefix, k.status]), [[key.slice(8, 20), "active"]]);
    const revoked = await json<{ status: string }>("admin", "api-keys", "revoke", key.slice(0, 20));
    assert.equal(revoked.status, "revoked");
    assert.equal(
      (await failure(1, "admin", "api-keys", "revoke", "000000000000")).code,
      "identity.api_key_not_found",
    );
  });

  await t.step("keys rotate: a new signer, the old key retiring; keys list shows both", async () => {
    const before = await json<{ items: { kid: string }[] }>("admin", "keys", "list");
    const rotated = await json<{ kid: string; retiring: string[] }>("admin", "keys", "rotate");
    assert.deepEqual(rotated.retiring, before.items.map((k) => k.kid));
    const after = await json<{ items: { kid: string; signing: boolean; verifies: boolean }[] }>(
      "admin",
      "keys",
      "list",
    );
    assert.deepEqual(after.items.find((k) => k.signing)?.kid, rotated.kid);
    assert.equal(after.items.length, 2);
    assert.ok(after.items.every((k) => k.verifies));
    const token = expectExit(
      await sp("admin", "session", "login", "--email", "root@example.com", "--token-only"),
      0,
    );
    const header = JSON.parse(atob(token.stdout.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))) as {
      kid: string;
    };
    assert.equal(header.kid, rotated.kid);
  });

  await t.step("bad input is a usage error (exit 2) naming the flag", async () => {
    const cases: [string[], RegExp][] = [
      [["admin", "bootstrap", "--email", "not-an-email"], /--email must be an email address/],
      [["admin", "users", "create", "--name", "", "--email", "a@b"], /--name must be 1 to 200 characters/],
      [["admin", "users", "create", "--email", "a@b"], /--name is required/],
      [["admin", "session", "login", "--email", "a@b", "--ttl", "forever"], /--ttl must be a duration/],
      [["admin", "session", "login", "--email", "a@b", "--ttl", "31d"], /--ttl must be a duration/],
      [
        ["admin", "api-keys", "issue", "--email", "a@b", "--expires-days", "0"],
        /--expires-days must be a whole number/,
      ],
      [["admin", "keys", "issue-plugin-token", "--email", "a@b", "--duration-days", "x"], /--duration-days/],
      [["admin", "keys", "issue-plugin-token", "--email", "a@b", "--plugin-id", "a b"], /--plugin-id/],
      [["admin", "users", "role", "promote", "a@b", "--role", "Admin!"], /--role must be a role name/],
      [["admin", "api-keys", "revoke", "xyz"], /<prefix> must be/],
    ];
    for (const [argv, message] of cases) {
      assert.match(expectExit(await sp(...argv), 2).stderr, message, argv.join(" "));
    }
  });
});
