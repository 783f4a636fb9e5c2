import { type Context, Hono } from "hono";
import { z } from "zod";
import {
  type AdminActor,
  changeRole,
  createUser,
  createUserRepo,
  findUserByRef,
  isEmail,
  isRoleName,
  type Principal,
  setUserStatus,
  type UserAdminDeps,
  userRecord,
  type UserStatus,
} from "@domain/identity/mod.ts";
import type { HttpEnv } from "../env.ts";
import { parseJsonBody } from "../json_body.ts";

const email = z.string().trim().refine(isEmail, "must be an email address");
const role = z.string().refine(isRoleName, "must be a role name (lowercase letters, digits, - and _)");

const createBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email,
  department: z.string().trim().min(1).max(200).nullable().optional(),
  if_not_exists: z.boolean().optional(),
});

/** Exactly one of promote or demote. */
const roleBody = z.union([
  z.strictObject({ promote: role }),
  z.strictObject({ demote: role }),
]);

type C = Context<HttpEnv>;

/**
 * `/api/v1/admin/users` (admin only, mounted behind authentication):
 * `GET /users[?search=text]`, `POST /users` `{name, email, department?, if_not_exists?}`,
 * `GET /users/{id|email}`, `POST /users/{id}/roles` with `{"promote":"admin"}` or
 * `{"demote":"admin"}`, `POST /users/{id}/ban`, `POST /users/{id}/unban`.
 */
export function adminUserRoutes(deps: UserAdminDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/users", (c) => listUsers(deps, c));
  app.post("/users", (c) => postUser(deps, c));
  app.get("/users/:ref", async (c) => c.json(userRecord(await findUserByRef(deps.db, c.req.param("ref")))));
  app.post("/users/:ref/roles", (c) => postRole(deps, c));
  app.post("/users/:ref/ban", (c) => postStatus(deps, c, "banned"));
  app.post("/users/:ref/unban", (c) => postStatus(deps, c, "active"));
  return app;
}

/** Admin changes over REST are attributed to the authenticated admin. */
export function actorOf(principal: Pick<Principal, "userId" | "email">): AdminActor {
  return { kind: "user", userId: principal.userId, email: principal.email };
}

async function listUsers(deps: UserAdminDeps, c: C): Promise<Response> {
  const search = c.req.query("search");
  const users = createUserRepo(deps.db);
  const found = search ? await users.search(search) : await users.list();
  return c.json({ items: found.map(userRecord) });
}

async function postUser(deps: UserAdminDeps, c: C): Promise<Response> {
  const body = await parseJsonBody(c, createBody);
  const outcome = await createUser(deps, {
    name: body.name,
    email: body.email,
    department: body.department ?? null,
    ifNotExists: body.if_not_exists ?? false,
    actor: actorOf(c.get("principal")),
    traceId: c.get("traceId"),
  });
  return c.json({ ...userRecord(outcome.user), created: outcome.changed }, outcome.changed ? 201 : 200);
}

async function postRole(deps: UserAdminDeps, c: C): Promise<Response> {
  const body = await parseJsonBody(c, roleBody);
  const outcome = await changeRole(deps, {
    ref: c.req.param("ref") ?? "",
    ...("promote" in body
      ? { change: "promote", role: body.promote }
      : { change: "demote", role: body.demote }),
    actor: actorOf(c.get("principal")),
    traceId: c.get("traceId"),
  });
  return c.json({ ...userRecord(outcome.user), changed: outcome.changed });
}

async function postStatus(deps: UserAdminDeps, c: C, status: UserStatus): Promise<Response> {
  await parseJsonBody(c, z.strictObject({}));
  const outcome = await setUserStatus(deps, {
    ref: c.req.param("ref") ?? "",
    status,
    actor: actorOf(c.get("principal")),
    traceId: c.get("traceId"),
  });
  return c.json({ ...userRecord(outcome.user), changed: outcome.changed });
}
