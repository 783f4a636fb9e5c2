import { type Context, Hono } from "hono";
import { z } from "zod";
import {
  deleteSecret,
  isOwnerRef,
  listSecretRecords,
  rotateOwnerDataKey,
  rotateSecret,
  secretRecordWire,
  setSecret,
  type VaultAdminDeps,
} from "@app/vault_admin.ts";
import { parseSecretName, type SecretName } from "@domain/vault/mod.ts";
import { AppError } from "@shared/errors.ts";
import { Secret } from "@shared/secret.ts";
import type { HttpEnv } from "../env.ts";
import { parseJsonBody } from "../json_body.ts";
import { actorOf } from "./admin_users.ts";

/**
 * `/api/v1/admin/secrets` (admin only). Values go in and never come out: there is no read endpoint.
 * `GET /[?owner=O]` → `{items: [{owner, name, version, created_at, updated_at}]}`;
 * `POST /` `{owner, name, value}` → the secret's metadata (201 for version 1, else 200);
 * `POST /rotate` `{owner, name}` (re-encrypt as the next version) or `{owner, data_key: true}`;
 * `DELETE /?owner=O&name=N` → the deleted secret's metadata.
 */
const MAX_VALUE_LENGTH = 65_536;
const owner = z.string().trim().refine(
  isOwnerRef,
  "must be org, department:<name>, user:<email> or user:<id>",
);
const name = z.string().trim().transform((text, ctx): SecretName => {
  const parsed = parseSecretName(text);
  if (parsed === undefined) {
    ctx.addIssue({ code: "custom", message: "letters, digits, . _ - (at most 128, starting alphanumeric)" });
    return z.NEVER;
  }
  return parsed;
});
const setBody = z.strictObject({ owner, name, value: z.string().min(1).max(MAX_VALUE_LENGTH) });
const rotateBody = z.union([
  z.strictObject({ owner, name }),
  z.strictObject({ owner, data_key: z.literal(true) }),
]);

type C = Context<HttpEnv>;

export function adminSecretRoutes(deps: VaultAdminDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/", async (c) => {
    const only = c.req.query("owner");
    if (only !== undefined && !isOwnerRef(only)) throw badOwner();
    const records = await listSecretRecords(deps.db, only ?? null);
    return c.json({ items: records.map(secretRecordWire) });
  });
  app.post("/", (c) => postSecret(deps, c));
  app.post("/rotate", (c) => postRotate(deps, c));
  app.delete("/", async (c) => {
    const target = { owner: c.req.query("owner") ?? "", name: parseSecretName(c.req.query("name") ?? "") };
    if (!isOwnerRef(target.owner)) throw badOwner();
    if (target.name === undefined) {
      throw new AppError("request.invalid_body", "name: letters, digits, . _ - (at most 128)");
    }
    const record = await deleteSecret(deps, { ...target, name: target.name, ...audit(c) });
    return c.json({ ...secretRecordWire(record), deleted: true });
  });
  return app;
}

async function postSecret(deps: VaultAdminDeps, c: C): Promise<Response> {
  const body = await parseJsonBody(c, setBody);
  const value = new Secret(body.value);
  const record = await setSecret(deps, { owner: body.owner, name: body.name, value, ...audit(c) });
  return c.json(secretRecordWire(record), record.version === 1 ? 201 : 200);
}

async function postRotate(deps: VaultAdminDeps, c: C): Promise<Response> {
  const body = await parseJsonBody(c, rotateBody);
  if ("data_key" in body) {
    const rotated = await rotateOwnerDataKey(deps, { owner: body.owner, ...audit(c) });
    return c.json({ owner: rotated.owner, retired_data_keys: rotated.retired });
  }
  const record = await rotateSecret(deps, { owner: body.owner, name: body.name, ...audit(c) });
  return c.json(secretRecordWire(record));
}

function audit(c: C) {
  return { actor: actorOf(c.get("principal")), traceId: c.get("traceId") };
}

function badOwner(): AppError {
  return new AppError(
    "request.invalid_body",
    "owner: must be org, department:<name>, user:<email> or user:<id>",
  );
}
