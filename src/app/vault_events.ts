import insertEventSql from "@sql/queries/vault/insert_event.sql" with { type: "text" };
import type { AdminActor } from "@domain/identity/mod.ts";
import type { Queryable } from "@infra/db/db.ts";

/** Who changed the vault: an admin (CLI or user) or the system itself (integrity alarms, jobs). */
export type VaultActor = AdminActor | { readonly kind: "system" };

export interface VaultChange {
  /** `secret.set`, `secret.deleted`, `secret.rotated`, `secret.data_key_rotated`,
   * `vault.master_key_rotated`, `secret.integrity_failed`. */
  readonly action: string;
  readonly actor: VaultActor;
  /** Owner, name, versions, counts: never a value or key material. */
  readonly target: Readonly<Record<string, unknown>>;
  readonly traceId?: string | null | undefined;
}

/**
 * One `admin.change` outbox event (same payload shape as identity's), announced on `sp_events` so
 * SSE subscribers and sinks see it at once. Runs on the caller's transaction.
 */
export async function recordVaultChange(q: Queryable, change: VaultChange, at: Date): Promise<void> {
  const actor = change.actor.kind === "user"
    ? { kind: "user", user_id: change.actor.userId, email: change.actor.email }
    : { kind: change.actor.kind };
  const payload = { action: change.action, actor, target: change.target, at: at.toISOString() };
  await q.query(insertEventSql, [change.traceId ?? null, JSON.stringify(payload), at]);
}
