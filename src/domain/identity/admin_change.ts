import insertAdminChangeSql from "@sql/queries/identity/insert_admin_change.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { UserId } from "@shared/ids.ts";

/** Who made an admin change: the host's CLI (whoever runs it administers the host) or an admin user. */
export type AdminActor =
  | { readonly kind: "cli" }
  | { readonly kind: "user"; readonly userId: UserId; readonly email: string };

export interface AdminChange {
  /** e.g. `user.created`, `user.promoted`, `api_key.revoked`, `signing_key.rotated`. */
  readonly action: string;
  readonly actor: AdminActor;
  /** Identifies what changed: ids, emails, prefixes, kids. Never a secret or a token value. */
  readonly target: Readonly<Record<string, unknown>>;
  readonly traceId?: string | null | undefined;
}

/** One `admin.change` outbox event, written in the caller's transaction. */
export async function recordAdminChange(q: Queryable, change: AdminChange, at: Date): Promise<void> {
  const actor = change.actor.kind === "cli"
    ? { kind: "cli" }
    : { kind: "user", user_id: change.actor.userId, email: change.actor.email };
  const payload = { action: change.action, actor, target: change.target, at: at.toISOString() };
  await q.query(insertAdminChangeSql, [change.traceId ?? null, JSON.stringify(payload), at]);
}
