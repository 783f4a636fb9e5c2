import closeSessionSql from "@sql/queries/mcp/close_session.sql" with { type: "text" };
import findSessionSql from "@sql/queries/mcp/find_session.sql" with { type: "text" };
import insertSessionSql from "@sql/queries/mcp/insert_session.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { Brand, UserId } from "@shared/ids.ts";

/**
 * MCP client sessions live in PostgreSQL, not in a process: any replica (or a restarted one)
 * continues a session another initialised. A session belongs to one server and one user; anyone
 * else presenting its id is told it does not exist.
 */
export type McpSessionId = Brand<string, "McpSessionId">;

const SESSION_ID = /^mcps_[0-9a-f]{32}$/;

export function newMcpSessionId(): McpSessionId {
  return `mcps_${crypto.randomUUID().replaceAll("-", "")}` as McpSessionId;
}

export function parseMcpSessionId(value: string | null | undefined): McpSessionId | undefined {
  return value && SESSION_ID.test(value) ? value as McpSessionId : undefined;
}

/** Sessions idle for longer than this are gone; the client initialises again. */
export const MCP_SESSION_IDLE_SECONDS = 24 * 3600;

export interface NewMcpSession {
  readonly id: McpSessionId;
  readonly server: string;
  readonly userId: UserId;
  readonly protocolVersion: string;
  readonly clientInfo: Readonly<Record<string, unknown>>;
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

export interface McpSession {
  readonly id: McpSessionId;
  readonly server: string;
  readonly userId: UserId;
  readonly protocolVersion: string;
  readonly createdAt: Date;
}

export async function insertMcpSession(db: Queryable, s: NewMcpSession): Promise<void> {
  await db.query(insertSessionSql, [
    s.id,
    s.server,
    s.userId,
    s.protocolVersion,
    JSON.stringify(s.clientInfo),
    JSON.stringify(s.clientCapabilities),
    s.createdAt,
  ]);
}

export async function findMcpSession(
  db: Queryable,
  key: { id: McpSessionId; server: string; userId: UserId },
): Promise<McpSession | undefined> {
  const row = await db.maybeOne<{
    id: string;
    server: string;
    user_id: string;
    protocol_version: string;
    created_at: Date;
  }>(findSessionSql, [key.id, key.server, key.userId, MCP_SESSION_IDLE_SECONDS]);
  if (!row) return undefined;
  return {
    id: row.id as McpSessionId,
    server: row.server,
    userId: row.user_id as UserId,
    protocolVersion: row.protocol_version,
    createdAt: row.created_at,
  };
}

/** Closes the caller's own session; false when there was none to close. */
export async function closeMcpSession(
  db: Queryable,
  key: { id: McpSessionId; server: string; userId: UserId },
): Promise<boolean> {
  return (await db.maybeOne(closeSessionSql, [key.id, key.server, key.userId])) !== undefined;
}
