import {
  closeMcpSession,
  findMcpSession,
  type McpSession,
  type McpSessionId,
  type NewMcpSession,
} from "@domain/mcp/mod.ts";
import type { Queryable } from "@infra/db/db.ts";
import type { UserId } from "@shared/ids.ts";

/**
 * MCP session rows as one process sees them (issue 5 overhead): a busy session costs one
 * PostgreSQL read per `maxAgeMs` instead of one per request. The row stays the truth: a session
 * initialised anywhere is found here on first use (any replica continues it); a close anywhere
 * notifies `sp_mcp` (`session:<id>`) and a process whose listener is up drops its copy; an entry
 * is re-read after `maxAgeMs` (which also keeps `last_seen_at` fresh for the idle timeout and
 * bounds a lost notification). Without a live listener nothing is cached. Only live sessions are
 * cached, keyed by id and checked against the caller's server and user on every hit.
 */
export interface SessionKey {
  readonly id: McpSessionId;
  readonly server: string;
  readonly userId: UserId;
}

interface Entry {
  readonly session: McpSession;
  readonly checkedAt: number;
}

export class McpSessionCache {
  readonly #db: Queryable;
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<McpSessionId, Entry>();
  #live = false;
  /** Bumped by every close: a read that started before one is not cached. */
  #closes = 0;

  constructor(db: Queryable, options: { maxAgeMs?: number; maxEntries?: number } = {}) {
    this.#db = db;
    this.#maxAgeMs = options.maxAgeMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** Whether close notifications reach this process (caching is on only then). */
  setLive(live: boolean): void {
    this.#live = live;
    if (!live) this.#entries.clear();
  }

  async find(key: SessionKey): Promise<McpSession | undefined> {
    const cached = this.#entries.get(key.id);
    if (cached && this.#live && Date.now() - cached.checkedAt <= this.#maxAgeMs) {
      const { session } = cached;
      return session.server === key.server && session.userId === key.userId ? session : undefined;
    }
    const closes = this.#closes;
    const session = await findMcpSession(this.#db, key);
    if (session && closes === this.#closes) this.#remember(session);
    else this.#entries.delete(key.id);
    return session;
  }

  /** A session this process just created (its row is written): the next request needs no read. */
  created(s: NewMcpSession): void {
    this.#remember({
      id: s.id,
      server: s.server,
      userId: s.userId,
      protocolVersion: s.protocolVersion,
      createdAt: s.createdAt,
    });
  }

  /** Closes the caller's own session everywhere; false when there was none to close. */
  async close(key: SessionKey): Promise<boolean> {
    this.forget(key.id);
    return await closeMcpSession(this.#db, key);
  }

  /** A close notified by any process. */
  forget(id: string): void {
    this.#closes++;
    this.#entries.delete(id as McpSessionId);
  }

  #remember(session: McpSession): void {
    if (!this.#live) return;
    this.#entries.delete(session.id);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(session.id, { session, checkedAt: Date.now() });
  }
}
