import approvePinsSql from "@sql/queries/mcp/approve_pins.sql" with { type: "text" };
import listPinsSql from "@sql/queries/mcp/list_pins.sql" with { type: "text" };
import markServerPinnedSql from "@sql/queries/mcp/mark_server_pinned.sql" with { type: "text" };
import pinStatusSql from "@sql/queries/mcp/pin_status.sql" with { type: "text" };
import serverPinnedSql from "@sql/queries/mcp/server_pinned.sql" with { type: "text" };
import upsertPinSql from "@sql/queries/mcp/upsert_pin.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { PinStatus, PinWrite, StoredPin } from "./pinning.ts";

export interface PinRecord extends StoredPin {
  readonly server: string;
  readonly description: string;
  readonly pinnedAt: Date;
  readonly updatedAt: Date;
  readonly approvedBy: string | null;
}

interface PinRow {
  server: string;
  tool: string;
  fingerprint: string | null;
  pending_fingerprint: string | null;
  status: string;
  reason: string | null;
  description: string;
  pinned_at: Date;
  updated_at: Date;
  approved_by: string | null;
}

export async function listPins(db: Queryable, server: string): Promise<PinRecord[]> {
  const rows = await db.many<PinRow>(listPinsSql, [server]);
  return rows.map((r) => ({
    server: r.server,
    tool: r.tool,
    fingerprint: r.fingerprint,
    pendingFingerprint: r.pending_fingerprint,
    status: r.status === "pinned" ? "pinned" : "quarantined",
    reason: r.reason,
    description: r.description,
    pinnedAt: r.pinned_at,
    updatedAt: r.updated_at,
    approvedBy: r.approved_by,
  }));
}

export async function isServerPinned(db: Queryable, server: string): Promise<boolean> {
  return (await db.one<{ pinned: boolean }>(serverPinnedSql, [server])).pinned;
}

/** Stores a reconciliation; the caller runs it in one transaction. */
export async function writePins(
  q: Queryable,
  server: string,
  writes: readonly PinWrite[],
  at: Date,
): Promise<void> {
  await q.query(markServerPinnedSql, [server, at]);
  for (const w of writes) {
    await q.query(upsertPinSql, [
      server,
      w.tool,
      w.fingerprint,
      w.pendingFingerprint,
      w.status,
      w.reason,
      w.description,
      at,
    ]);
  }
}

export async function pinStatus(db: Queryable, server: string, tool: string): Promise<PinStatus | undefined> {
  const row = await db.maybeOne<{ status: string }>(pinStatusSql, [server, tool]);
  if (!row) return undefined;
  return row.status === "pinned" ? "pinned" : "quarantined";
}

/** Approves the quarantined tools of a server (one, or all); returns the names approved. */
export async function approvePins(
  q: Queryable,
  input: { server: string; tool: string | null; approvedBy: string; at: Date },
): Promise<string[]> {
  const rows = await q.many<{ tool: string }>(approvePinsSql, [
    input.server,
    input.tool,
    input.approvedBy,
    input.at,
  ]);
  return rows.map((r) => r.tool);
}
