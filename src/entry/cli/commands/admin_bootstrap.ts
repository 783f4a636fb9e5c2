import { changeRole, createUser, type User, userRecord } from "@domain/identity/mod.ts";
import type { AppContext } from "@app/context.ts";
import { command } from "../command.ts";
import { CLI_ACTOR, emailFlag, stringFlag } from "./identity_flags.ts";

/** Creates the account (roles admin, user) or, when it exists, adds the admin role. */
async function bootstrapAdmin(
  ctx: AppContext,
  email: string,
  name: string,
): Promise<{ user: User; created: boolean; promoted: boolean }> {
  const deps = { db: ctx.db, clock: ctx.clock, cache: ctx.identityCache };
  const created = await createUser(deps, {
    name,
    email,
    department: null,
    roles: ["admin", "user"],
    ifNotExists: true,
    actor: CLI_ACTOR,
  });
  const promoted = await changeRole(deps, {
    ref: created.user.id,
    change: "promote",
    role: "admin",
    actor: CLI_ACTOR,
  });
  return { user: promoted.user, created: created.changed, promoted: promoted.changed };
}

/** `admin bootstrap --email E`: make sure E is an admin; prints `created=true|false`; safe to rerun. */
export const adminBootstrap = command({
  name: "bootstrap",
  summary: "Create an admin account, or make an existing account admin (idempotent)",
  forwardable: true,
  flags: [
    { name: "email", type: "string", value: "E", summary: "the admin's email", required: true },
    { name: "name", type: "string", value: "N", summary: "display name (default Administrator)" },
  ],
  run: async (inv) => {
    const email = emailFlag(inv);
    const name = stringFlag(inv, "name")?.trim() || "Administrator";
    const { user, created, promoted } = await bootstrapAdmin(await inv.context(), email, name);
    if (inv.global.format !== "text") {
      return { kind: "object", value: { created, promoted, ...userRecord(user) } };
    }
    const lines = [`created=${created}`, `promoted=${promoted}`, `email=${user.email}`, `user_id=${user.id}`];
    return { kind: "text", text: `${lines.join("\n")}\n` };
  },
});
