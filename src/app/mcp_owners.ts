import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import type { Clock } from "@shared/clock.ts";
import type { Logger } from "@shared/logger.ts";
import type { Secret } from "@shared/secret.ts";
import type { UpstreamConnection, UpstreamStatus } from "./mcp_types.ts";
import { UpstreamSlot } from "./mcp_upstream.ts";

/**
 * Per-owner stdio children (issue 5, Build item 3): when a caller's `secret:<name>` env values
 * resolve to something other than what the server's shared child got (the organisation's), the
 * call runs on a child of its own for that resolved environment, i.e. for the owner of the
 * resolved secret (the user's or the department's value), so each owner's calls carry their own
 * credentials. Children are keyed by an HMAC of the vault-resolved values (never the values), are
 * started on first use, supervised like any upstream (restart with backoff), and stopped after
 * `idle_timeout_ms` without a call in flight.
 */
export interface OwnerChildrenDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly connect: (
    server: McpServerConfig,
    env: Readonly<Record<string, Secret>>,
  ) => Promise<UpstreamConnection>;
  /** Status changes of a child, as for a shared upstream (events, metrics, logs). */
  readonly onTransition: (
    server: string,
    child: string,
    change: { from: UpstreamStatus; to: UpstreamStatus; error: string | null },
  ) => void;
}

/** One owner's child as the registry, `/metrics` and `plugins mcp status` show it. */
export interface OwnerChildView {
  readonly server: string;
  /** A short label of the owner's environment fingerprint (never a value, never the owner). */
  readonly child: string;
  readonly status: UpstreamStatus;
  readonly restarts: number;
  readonly in_flight: number;
  readonly started_at: string;
  readonly last_used_at: string;
  readonly last_health_check: string | null;
  readonly last_error: string | null;
}

interface Child {
  readonly server: string;
  readonly label: string;
  readonly slot: UpstreamSlot;
  readonly startedAt: Date;
  lastUsed: Date;
  inFlight: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Characters of the environment's HMAC shown as the child's label. */
const LABEL_CHARS = 12;

export class OwnerChildren {
  readonly #deps: OwnerChildrenDeps;
  readonly #children = new Map<string, Child>();

  constructor(deps: OwnerChildrenDeps) {
    this.#deps = deps;
  }

  /** How many per-owner children of `server` this process runs now. */
  count(server: string): number {
    return [...this.#children.values()].filter((c) => c.server === server).length;
  }

  /** The children of `server` (undefined: all), oldest first. */
  views(server?: string): OwnerChildView[] {
    return [...this.#children.values()].filter((c) => server === undefined || c.server === server)
      .map((c) => ({
        server: c.server,
        child: c.label,
        status: c.slot.status,
        restarts: c.slot.restarts,
        in_flight: c.inFlight,
        started_at: c.startedAt.toISOString(),
        last_used_at: c.lastUsed.toISOString(),
        last_health_check: c.slot.lastHealthCheck?.toISOString() ?? null,
        last_error: c.slot.lastError,
      }));
  }

  /** Health probe of every live child (a failed ping restarts it with backoff, like any upstream). */
  async probe(): Promise<void> {
    await Promise.allSettled([...this.#children.values()].map((c) => c.slot.connected && c.slot.probe()));
  }

  /** Runs `work` on the child for this owner's environment, starting it when needed. */
  async use<T>(
    server: McpServerConfig,
    key: string,
    env: Readonly<Record<string, Secret>>,
    work: (connection: UpstreamConnection) => Promise<T>,
  ): Promise<T> {
    const id = `${server.name}\u0000${key}`;
    let child = this.#children.get(id);
    if (!child) {
      const label = key.slice(0, LABEL_CHARS);
      const now = this.#deps.clock.now();
      const slot = this.#slot(server, env, label);
      child = {
        server: server.name,
        label,
        slot,
        startedAt: now,
        lastUsed: now,
        inFlight: 0,
        timer: undefined,
      };
      this.#children.set(id, child);
      this.#deps.log.info("mcp.owner_child_started", { server: server.name, child: label });
    }
    child.lastUsed = this.#deps.clock.now();
    clearTimeout(child.timer);
    child.timer = undefined;
    child.inFlight++;
    try {
      return await work(await child.slot.connection());
    } finally {
      child.inFlight--;
      if (child.inFlight === 0) this.#armIdle(id, child, server.idle_timeout_ms);
    }
  }

  /** Stops the children of one server (`server` undefined: all); they start again on next use. */
  async stop(server?: string): Promise<void> {
    const children = [...this.#children].filter(([, c]) => server === undefined || c.server === server);
    for (const [id] of children) this.#children.delete(id);
    await Promise.allSettled(children.map(([, c]) => {
      clearTimeout(c.timer);
      return c.slot.stop();
    }));
  }

  #slot(server: McpServerConfig, env: Readonly<Record<string, Secret>>, label: string): UpstreamSlot {
    return new UpstreamSlot({
      name: server.name,
      enabled: true,
      clock: this.#deps.clock,
      connect: () => this.#deps.connect(server, env),
      onTransition: (from, to, error) => this.#deps.onTransition(server.name, label, { from, to, error }),
    });
  }

  #armIdle(id: string, child: Child, idleMs: number): void {
    if (this.#children.get(id) !== child) return; // stopped meanwhile (restart, shutdown)
    child.timer = setTimeout(() => {
      if (child.inFlight > 0 || this.#children.get(id) !== child) return;
      this.#children.delete(id);
      this.#deps.log.info("mcp.owner_child_idle_stopped", { server: child.server, child: child.label });
      child.slot.stop().catch(() => {});
    }, idleMs);
  }
}

/** An HMAC of resolved values: the in-memory identity of one owner's environment. */
export async function environmentKey(fingerprintKey: Uint8Array, values: readonly Secret[]): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    fingerprintKey.slice(),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const data = new TextEncoder().encode(JSON.stringify(values.map((v) => v.reveal())));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}
