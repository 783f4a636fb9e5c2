import {
  changeRole,
  createUser,
  createUserRepo,
  findUserByRef,
  isRoleName,
  type RoleChange,
  setUserStatus,
  type User,
  userRecord,
} from "@domain/identity/mod.ts";
import type { AppContext } from "@app/context.ts";
import { AppError } from "@shared/errors.ts";
import { type CliResult, command, type Group, group, type Invocation } from "../command.ts";
import { CLI_ACTOR, emailFlag, stringFlag } from "./identity_flags.ts";

const USER_COLUMNS = ["id", "name", "email", "roles", "department", "status", "created_at"];

function adminDeps(ctx: AppContext) {
  return { db: ctx.db, clock: ctx.clock, cache: ctx.identityCache };
}

function listResult(users: readonly User[]): CliResult {
  return { kind: "list", columns: USER_COLUMNS, items: users.map(userRecord) };
}

const createCmd = command({
  name: "create",
  summary: "Create a user (role user); a taken email fails unless --if-not-exists",
  forwardable: true,
  flags: [
    { name: "name", type: "string", value: "N", summary: "display name", required: true },
    {
      name: "email",
      type: "string",
      value: "E",
      summary: "email (unique, case-insensitive)",
      required: true,
    },
    { name: "department", type: "string", value: "D", summary: "department (used by access rules)" },
    { name: "if-not-exists", type: "boolean", summary: "succeed with created=false when the email exists" },
  ],
  run: async (inv) => {
    const name = stringFlag(inv, "name")?.trim() ?? "";
    if (name === "" || name.length > 200) {
      throw new AppError("cli.usage", "--name must be 1 to 200 characters");
    }
    const department = stringFlag(inv, "department")?.trim() || null;
    const ctx = await inv.context();
    const outcome = await createUser(adminDeps(ctx), {
      name,
      email: emailFlag(inv),
      department,
      ifNotExists: inv.flags["if-not-exists"] === true,
      actor: CLI_ACTOR,
    });
    return { kind: "object", value: { created: outcome.changed, ...userRecord(outcome.user) } };
  },
});

const listCmd = command({
  name: "list",
  summary: "List every user",
  forwardable: true,
  run: async (inv) => listResult(await createUserRepo((await inv.context()).db).list()),
});

const showCmd = command({
  name: "show",
  summary: "Show one user",
  forwardable: true,
  positionals: [{ name: "user", summary: "email or id", required: true }],
  run: async (inv) => {
    const ctx = await inv.context();
    return { kind: "object", value: userRecord(await findUserByRef(ctx.db, inv.positionals[0]!)) };
  },
});

const searchCmd = command({
  name: "search",
  summary: "Find users whose email, name or department contains the text",
  forwardable: true,
  positionals: [{ name: "text", summary: "case-insensitive substring", required: true }],
  run: async (inv) => listResult(await createUserRepo((await inv.context()).db).search(inv.positionals[0]!)),
});

function roleCmd(change: RoleChange) {
  return command({
    name: change,
    summary: change === "promote" ? "Add a role (default admin)" : "Remove a role (default admin)",
    forwardable: true,
    positionals: [{ name: "user", summary: "email or id", required: true }],
    flags: [{ name: "role", type: "string", value: "R", summary: "role name (default admin)" }],
    run: async (inv) => {
      const role = stringFlag(inv, "role") ?? "admin";
      if (!isRoleName(role)) throw new AppError("cli.usage", "--role must be a role name like admin");
      const ctx = await inv.context();
      const outcome = await changeRole(adminDeps(ctx), {
        ref: inv.positionals[0]!,
        change,
        role,
        actor: CLI_ACTOR,
      });
      return { kind: "object", value: { changed: outcome.changed, ...userRecord(outcome.user) } };
    },
  });
}

function statusCmd(name: "ban" | "unban", summary: string) {
  return command({
    name,
    summary,
    forwardable: true,
    positionals: [{ name: "user", summary: "email or id", required: true }],
    run: async (inv: Invocation) => {
      const ctx = await inv.context();
      const outcome = await setUserStatus(adminDeps(ctx), {
        ref: inv.positionals[0]!,
        status: name === "ban" ? "banned" : "active",
        actor: CLI_ACTOR,
      });
      return { kind: "object", value: { changed: outcome.changed, ...userRecord(outcome.user) } };
    },
  });
}

export const adminUsers: Group = group("users", "Users: create, list, show, search, roles, ban", [
  createCmd,
  listCmd,
  showCmd,
  searchCmd,
  group("role", "Promote to or demote from a role (admin by default)", [
    roleCmd("promote"),
    roleCmd("demote"),
  ]),
  statusCmd("ban", "Ban a user: every session, plugin token and API key of theirs stops working at once"),
  statusCmd("unban", "Make a banned or suspended user active again"),
]);
