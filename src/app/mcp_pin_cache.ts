import { listPins, parseAuditedToolName, type PinStatus } from "@domain/mcp/mod.ts";
import type { Queryable } from "@infra/db/db.ts";

/**
 * The pin states the `tool_pinning` stage reads on every `tools/call`, kept per server in memory
 * (issue 5 overhead: one round trip fewer per call). Every pin write notifies `sp_mcp`
 * (`pins:<server>` from a catalogue reconciliation, `forget:<server>` from an approval); a process
 * whose listener is up drops the server's entry on that notification and reloads it on next use.
 * Without a live listener (a CLI process, a failed LISTEN) nothing is cached: every lookup reads
 * PostgreSQL as before. An entry also expires after `maxAgeMs`, which bounds a lost notification.
 * A load that raced an invalidation is not stored (per-server generations).
 */
export type PinLookup = "pinned" | "quarantined" | "unpinned";

interface Entry {
  readonly statuses: ReadonlyMap<string, PinStatus>;
  readonly loadedAt: number;
}

export class PinCache {
  readonly #db: Queryable;
  readonly #maxAgeMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #generations = new Map<string, number>();
  #live = false;

  constructor(db: Queryable, maxAgeMs = 30_000) {
    this.#db = db;
    this.#maxAgeMs = maxAgeMs;
  }

  /** Whether pin-change notifications reach this process (caching is on only then). */
  setLive(live: boolean): void {
    this.#live = live;
    if (!live) this.#entries.clear();
  }

  /** Pins of `server` (undefined: all) changed: the next lookup reads them again. */
  invalidate(server?: string): void {
    const servers = server === undefined ? [...this.#generations.keys()] : [server];
    for (const name of servers) {
      this.#generations.set(name, (this.#generations.get(name) ?? 0) + 1);
      this.#entries.delete(name);
    }
  }

  /** The `tool_pinning` port: the pin state of an audited tool name (`mcp__<server>__<tool>`). */
  async status(toolName: string): Promise<PinLookup> {
    const parsed = parseAuditedToolName(toolName);
    if (!parsed) return "unpinned";
    const statuses = await this.#statuses(parsed.server);
    return statuses.get(parsed.tool) ?? "unpinned";
  }

  async #statuses(server: string): Promise<ReadonlyMap<string, PinStatus>> {
    const cached = this.#entries.get(server);
    if (cached && this.#live && Date.now() - cached.loadedAt <= this.#maxAgeMs) return cached.statuses;
    const generation = this.#generations.get(server) ?? 0;
    this.#generations.set(server, generation);
    const statuses = new Map((await listPins(this.#db, server)).map((p) => [p.tool, p.status]));
    if (this.#live && this.#generations.get(server) === generation) {
      this.#entries.set(server, { statuses, loadedAt: Date.now() });
    }
    return statuses;
  }
}
