import type { Db, Queryable } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError } from "@shared/errors.ts";
import { newUserId, parseUserId, type UserId } from "@shared/ids.ts";
import { type AdminActor, recordAdminChange } from "./admin_change.ts";
import type { User, UserStatus } from "./user.ts";
import { createUserRepo, type UserRepo } from "./user_repo.ts";

/**
 * Admin use cases on users. Each runs in one transaction that also writes its `admin.change`
 * outbox event; the users table's trigger announces role, status and department changes on
 * `sp_identity`, and `cache.invalidateUser` applies them to this process before the call returns.
 */
export interface UserAdminDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly cache: { invalidateUser(id: UserId): void };
}

export interface CreateUserInput {
  readonly name: string;
  readonly email: string;
  readonly department: string | null;
  readonly roles?: readonly string[];
  /** An existing user with that email is returned (`created: false`) instead of refused. */
  readonly ifNotExists: boolean;
  readonly actor: AdminActor;
  readonly traceId?: string | null;
}

export interface UserOutcome {
  readonly user: User;
  /** False when nothing had to change (user existed, role already held, already banned). */
  readonly changed: boolean;
}

export async function createUser(deps: UserAdminDeps, input: CreateUserInput): Promise<UserOutcome> {
  const now = deps.clock.now();
  return await deps.db.tx(async (q) => {
    const users = createUserRepo(q);
    const inserted = await users.insert({
      id: newUserId(now.getTime()),
      name: input.name,
      email: input.email,
      roles: input.roles ?? ["user"],
      department: input.department,
      createdAt: now,
    });
    if (!inserted) {
      const existing = await users.findByEmail(input.email);
      if (input.ifNotExists && existing) return { user: existing, changed: false };
      throw new AppError("identity.user_exists", `a user with email ${input.email} already exists`, {
        data: { email: input.email },
      });
    }
    const target = { user_id: inserted.id, email: inserted.email, roles: inserted.roles };
    await recordAdminChange(
      q,
      { action: "user.created", actor: input.actor, target, traceId: input.traceId },
      now,
    );
    return { user: inserted, changed: true };
  });
}

export type RoleChange = "promote" | "demote";

export interface RoleInput {
  readonly ref: string;
  readonly change: RoleChange;
  readonly role: string;
  readonly actor: AdminActor;
  readonly traceId?: string | null;
}

/** promote adds the role, demote removes it; `user` is every account's base role and stays. */
export async function changeRole(deps: UserAdminDeps, input: RoleInput): Promise<UserOutcome> {
  if (input.change === "demote" && input.role === "user") {
    throw new AppError("identity.invalid_role", "the user role cannot be removed (ban the account instead)");
  }
  const now = deps.clock.now();
  const outcome = await deps.db.tx(async (q) => {
    const users = createUserRepo(q);
    const before = await requireUser(users, input.ref);
    const after = input.change === "promote"
      ? await users.addRole(before.id, input.role, now)
      : await users.removeRole(before.id, input.role, now);
    if (!after) throw notFound(input.ref);
    const changed = before.roles.includes(input.role) !== after.roles.includes(input.role);
    if (changed) {
      const target = { user_id: after.id, email: after.email, role: input.role, roles: after.roles };
      const action = input.change === "promote" ? "user.promoted" : "user.demoted";
      await recordAdminChange(q, { action, actor: input.actor, target, traceId: input.traceId }, now);
    }
    return { user: after, changed };
  });
  deps.cache.invalidateUser(outcome.user.id);
  return outcome;
}

/** Status `banned`: every session, plugin token and API key of the user stops working at once. */
export async function setUserStatus(
  deps: UserAdminDeps,
  input: { ref: string; status: UserStatus; actor: AdminActor; traceId?: string | null },
): Promise<UserOutcome> {
  const now = deps.clock.now();
  const outcome = await deps.db.tx(async (q) => {
    const users = createUserRepo(q);
    const before = await requireUser(users, input.ref);
    if (before.status === input.status) return { user: before, changed: false };
    const after = await users.setStatus(before.id, input.status, now);
    if (!after) throw notFound(input.ref);
    const target = { user_id: after.id, email: after.email, from: before.status, to: after.status };
    const action = input.status === "banned" ? "user.banned" : "user.status_changed";
    await recordAdminChange(q, { action, actor: input.actor, target, traceId: input.traceId }, now);
    return { user: after, changed: true };
  });
  deps.cache.invalidateUser(outcome.user.id);
  return outcome;
}

/** A user by id (UUID) or email, or `identity.user_not_found`. */
export async function findUserByRef(q: Queryable, ref: string): Promise<User> {
  return await requireUser(createUserRepo(q), ref);
}

async function requireUser(users: UserRepo, ref: string): Promise<User> {
  const id = parseUserId(ref);
  const user = id ? await users.findById(id) : await users.findByEmail(ref);
  if (!user) throw notFound(ref);
  return user;
}

function notFound(ref: string): AppError {
  return new AppError("identity.user_not_found", `no user ${JSON.stringify(ref)}`);
}
