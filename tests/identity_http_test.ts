import assert from "node:assert/strict";
import { mintSessionToken } from "@app/setup.ts";
import { testDbMode } from "./support/db.ts";
import { adminChanges, call, expectJson, expectProblem, makeUser } from "./support/identity.ts";
import { openTestApp } from "./support/test_app.ts";

const mode = testDbMode();
const USERS = "/api/v1/admin/users";
const API_KEYS = "/api/v1/admin/api-keys";

interface UserJson {
  id: string;
  email: string;
  roles: string[];
  status: string;
  department: string | null;
  created?: boolean;
  changed?: boolean;
}

Deno.test(`/api/v1/admin/users (${mode}): create, list, search, show, roles, ban`, async (t) => {
  await using app = await openTestApp();
  const token = app.adminToken;
  let alice: UserJson | undefined;

  await t.step("POST /users creates (201) and refuses a duplicate email (409)", async () => {
    const body = { name: "Alice", email: "alice@example.com", department: "research" };
    alice = await expectJson<UserJson>(await call(app, "POST", USERS, { token, body }), 201);
    assert.deepEqual(alice.roles, ["user"]);
    assert.equal(alice.created, true);
    const dup = await call(app, "POST", USERS, { token, body: { ...body, email: "ALICE@example.com" } });
    const problem = await expectProblem(dup, 409, "identity.user_exists");
    assert.equal(problem["email"], "ALICE@example.com");
    const again = await call(app, "POST", USERS, { token, body: { ...body, if_not_exists: true } });
    const existing = await expectJson<UserJson>(again, 200);
    assert.equal(existing.created, false);
    assert.equal(existing.id, alice.id);
  });

  await t.step("GET /users lists, ?search= filters, /users/{id|email} shows", async () => {
    const all = await expectJson<{ items: UserJson[] }>(await call(app, "GET", USERS, { token }), 200);
    assert.deepEqual(all.items.map((u) => u.email).sort(), ["admin@localhost", "alice@example.com"]);
    const found = await expectJson<{ items: UserJson[] }>(
      await call(app, "GET", `${USERS}?search=RESEARCH`, { token }),
      200,
    );
    assert.deepEqual(found.items.map((u) => u.email), ["alice@example.com"]);
    const none = await call(app, "GET", `${USERS}?search=${encodeURIComponent("%")}`, { token });
    assert.deepEqual((await expectJson<{ items: unknown[] }>(none, 200)).items, []);
    for (const ref of [alice!.id, "alice@example.com"]) {
      const shown = await expectJson<UserJson>(await call(app, "GET", `${USERS}/${ref}`, { token }), 200);
      assert.equal(shown.id, alice!.id);
    }
    await expectProblem(
      await call(app, "GET", `${USERS}/nobody@example.com`, { token }),
      404,
      "identity.user_not_found",
    );
  });

  await t.step("POST /users/{id}/roles promotes and demotes", async () => {
    const path = `${USERS}/${alice!.id}/roles`;
    const up = await expectJson<UserJson>(
      await call(app, "POST", path, { token, body: { promote: "admin" } }),
      200,
    );
    assert.deepEqual(up.roles, ["user", "admin"]);
    assert.equal(up.changed, true);
    const same = await expectJson<UserJson>(
      await call(app, "POST", path, { token, body: { promote: "admin" } }),
      200,
    );
    assert.equal(same.changed, false);
    const down = await expectJson<UserJson>(
      await call(app, "POST", path, { token, body: { demote: "admin" } }),
      200,
    );
    assert.deepEqual(down.roles, ["user"]);
    const base = await call(app, "POST", path, { token, body: { demote: "user" } });
    await expectProblem(base, 400, "identity.invalid_role");
  });

  await t.step("POST /users/{id}/ban bans, /unban restores", async () => {
    const banned = await expectJson<UserJson>(
      await call(app, "POST", `${USERS}/${alice!.id}/ban`, { token }),
      200,
    );
    assert.equal(banned.status, "banned");
    const back = await expectJson<UserJson>(
      await call(app, "POST", `${USERS}/${alice!.id}/unban`, { token }),
      200,
    );
    assert.equal(back.status, "active");
  });

  await t.step("bad input is a 400 problem with a stable code, never a 500", async () => {
    const bad: [string, string, { raw?: string; body?: unknown }, string][] = [
      ["POST", USERS, { raw: "{not json" }, "request.invalid_json"],
      ["POST", USERS, { raw: "" }, "request.invalid_body"],
      ["POST", USERS, { body: [] }, "request.invalid_body"],
      ["POST", USERS, { body: { name: "x", email: "not-an-email" } }, "request.invalid_body"],
      ["POST", USERS, { body: { name: 7, email: "x@y" } }, "request.invalid_body"],
      ["POST", USERS, { body: { name: "x", email: "x@y", roles: ["admin"] } }, "request.invalid_body"],
      ["POST", `${USERS}/${alice!.id}/roles`, { body: {} }, "request.invalid_body"],
      ["POST", `${USERS}/${alice!.id}/roles`, { body: { promote: "Admin!" } }, "request.invalid_body"],
      [
        "POST",
        `${USERS}/${alice!.id}/roles`,
        { body: { promote: "a", demote: "b" } },
        "request.invalid_body",
      ],
      ["POST", `${USERS}/${alice!.id}/ban`, { body: { reason: 1 } }, "request.invalid_body"],
    ];
    for (const [method, path, input, code] of bad) {
      const problem = await expectProblem(await call(app, method, path, { token, ...input }), 400, code);
      if (code === "request.invalid_body" && input.body !== undefined) {
        assert.ok(Array.isArray(problem["problems"]));
      }
    }
  });

  await t.step("non-admins get 403, the anonymous 401", async () => {
    const bob = await makeUser(app.ctx, "bob@example.com");
    const bobToken = await mintSessionToken(app.ctx, bob, { ttlSeconds: 600, clientId: "t", kind: "cli" });
    for (const [method, path] of [["GET", USERS], ["POST", `${USERS}/${bob.id}/roles`], ["GET", API_KEYS]]) {
      const body = method === "POST" ? { promote: "admin" } : undefined;
      await expectProblem(await call(app, method!, path!, { token: bobToken, body }), 403, "auth.forbidden");
      await expectProblem(await call(app, method!, path!, { body }), 401, "auth.missing_token");
    }
  });

  await t.step("every change left an admin.change event attributed to the admin", async () => {
    const changes = await adminChanges(app.ctx);
    const actions = changes.map((c) => c["action"]);
    for (
      const action of ["user.created", "user.promoted", "user.demoted", "user.banned", "user.status_changed"]
    ) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(", ")}`);
    }
    const promoted = changes.find((c) => c["action"] === "user.promoted")!;
    assert.deepEqual(promoted["actor"], { kind: "user", user_id: app.admin.id, email: app.admin.email });
  });
});

Deno.test(`/api/v1/admin/api-keys (${mode}): issue once, list without secrets, use, revoke`, async () => {
  await using app = await openTestApp();
  const token = app.adminToken;
  const carol = await makeUser(app.ctx, "carol@example.com", ["user"], "ops");
  const issued = await expectJson<{ key: string; prefix: string; status: string }>(
    await call(app, "POST", API_KEYS, {
      token,
      body: { user: "carol@example.com", name: "laptop", expires_days: 30 },
    }),
    201,
  );
  assert.match(issued.key, /^sp-live-[0-9a-f]{12}\.[0-9a-f]{52}$/);
  assert.equal(issued.key.slice(8, 20), issued.prefix);
  assert.equal(issued.status, "active");

  const listed = await (await call(app, "GET", `${API_KEYS}?user=${carol.id}`, { token })).text();
  assert.ok(!listed.includes(issued.key.slice(21)), "the secret part is never listed");
  assert.equal((JSON.parse(listed) as { items: { prefix: string }[] }).items[0]?.prefix, issued.prefix);
  const stored = JSON.stringify(await app.ctx.db.many("select * from api_keys"));
  assert.ok(!stored.includes(issued.key) && !stored.includes(issued.key.slice(21)), "only a digest at rest");

  for (const headers of [{ authorization: `Bearer ${issued.key}` }, { "x-api-key": issued.key }]) {
    const me = await expectJson<{ email: string; scope: string }>(
      await call(app, "GET", "/api/v1/admin/me", { headers }),
      200,
    );
    assert.deepEqual([me.email, me.scope], ["carol@example.com", "user"]);
  }

  const revoked = await call(app, "DELETE", `${API_KEYS}/sp-live-${issued.prefix}`, { token });
  assert.equal((await expectJson<{ status: string }>(revoked, 200)).status, "revoked");
  const after = await call(app, "GET", "/api/v1/admin/me", { headers: { "x-api-key": issued.key } });
  assert.equal((await expectProblem(after, 401, "auth.invalid_token")).detail, "Invalid or expired token");

  await expectProblem(
    await call(app, "DELETE", `${API_KEYS}/000000000000`, { token }),
    404,
    "identity.api_key_not_found",
  );
  await expectProblem(
    await call(app, "DELETE", `${API_KEYS}/nope`, { token }),
    404,
    "identity.api_key_not_found",
  );
  const badBodies = [{}, { user: "carol@example.com", expires_days: 0 }, {
    user: "carol@example.com",
    key: "x",
  }];
  for (const body of badBodies) {
    await expectProblem(await call(app, "POST", API_KEYS, { token, body }), 400, "request.invalid_body");
  }
  await expectProblem(
    await call(app, "POST", API_KEYS, { token, body: { user: "nobody@example.com" } }),
    404,
    "identity.user_not_found",
  );
  const changes = JSON.stringify(await adminChanges(app.ctx));
  assert.ok(changes.includes("api_key.issued") && changes.includes("api_key.revoked"));
  assert.ok(!changes.includes(issued.key.slice(21)), "no secret in the event stream");
});

Deno.test(`/.well-known/jwks.json and POST /keys/rotate (${mode}): overlap of old and new keys`, async () => {
  await using app = await openTestApp();
  const token = app.adminToken;
  const oldKid = app.ctx.tokens.signing.kid;
  const jwks = async () =>
    (await expectJson<{ keys: { kid: string; kty: string; d?: string }[] }>(
      await call(app, "GET", "/.well-known/jwks.json"),
      200,
    )).keys;
  assert.deepEqual((await jwks()).map((k) => k.kid), [oldKid]);

  const rotated = await expectJson<{ kid: string; retiring: string[]; verify_until: string }>(
    await call(app, "POST", "/api/v1/admin/keys/rotate", { token }),
    200,
  );
  assert.notEqual(rotated.kid, oldKid);
  assert.deepEqual(rotated.retiring, [oldKid]);
  assert.ok(new Date(rotated.verify_until).getTime() > Date.now() + 364 * 86_400_000);
  const keys = await jwks();
  assert.deepEqual(keys.map((k) => k.kid), [rotated.kid, oldKid]);
  assert.ok(keys.every((k) => k.kty === "RSA" && k.d === undefined), "public halves only");

  const me = await call(app, "GET", "/api/v1/admin/me", { token });
  assert.equal(me.status, 200, "a token signed by the old key still verifies");
  await me.body?.cancel();
  const fresh = await mintSessionToken(app.ctx, app.admin, { ttlSeconds: 600, clientId: "t", kind: "cli" });
  const header = JSON.parse(atob(fresh.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))) as {
    kid: string;
  };
  assert.equal(header.kid, rotated.kid);
  const listed = await expectJson<{ items: { kid: string; signing: boolean; status: string }[] }>(
    await call(app, "GET", "/api/v1/admin/keys", { token: fresh }),
    200,
  );
  assert.deepEqual(
    listed.items.map((k) => [k.kid, k.signing, k.status]).sort(),
    [[rotated.kid, true, "active"], [oldKid, false, "retiring"]].sort(),
  );
  await expectProblem(
    await call(app, "POST", "/api/v1/admin/keys/rotate", { token, raw: "[" }),
    400,
    "request.invalid_json",
  );
});
