import { insertMcpEvent } from "@domain/mcp/mod.ts";
import type { Db } from "@infra/db/db.ts";
import type { MetricsRegistry } from "@infra/metrics/registry.ts";
import type { Clock } from "@shared/clock.ts";
import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import type { UpstreamStatus } from "./mcp_types.ts";

/**
 * Upstream health as the rest of the system sees it (issue 5 item 8): every status change of a
 * shared upstream or of a per-owner child is counted and logged, and the two that matter become
 * events: `mcp.server_up` (now running) and `mcp.server_down` (running → error). A child's event
 * carries its label (`owner_child`) so one owner's broken credentials are told from the server's.
 */
export interface HealthDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: MetricsRegistry;
  readonly instanceId: string;
}

export interface Transition {
  readonly server: string;
  readonly from: UpstreamStatus;
  readonly to: UpstreamStatus;
  readonly error: string | null;
  /** A per-owner child's label; absent for the shared upstream. */
  readonly child?: string;
}

export function reportTransition(d: HealthDeps, t: Transition, quiet: boolean): void {
  const { server, from, to, error } = t;
  const child = t.child === undefined ? {} : { owner_child: t.child };
  const counter = t.child === undefined
    ? "mcp_upstream_transitions_total"
    : "mcp_owner_child_transitions_total";
  d.metrics.counter(counter, "MCP upstream status changes", { server, to });
  const kind = to === "running"
    ? "mcp.server_up"
    : from === "running" && to === "error"
    ? "mcp.server_down"
    : "";
  if (to === "error") d.log.warn("mcp.upstream_error", { server, ...child, from, error });
  else d.log.info("mcp.upstream_status", { server, ...child, from, to });
  if (!kind || quiet) return;
  const payload = { server, ...child, from, to, instance_id: d.instanceId };
  insertMcpEvent(d.db, kind, payload, d.clock.now()).catch((e) =>
    d.log.warn("mcp.event_failed", { kind, server, error: describeError(e) })
  );
}

/** Gauges read at scrape time: shared upstreams and per-owner children by status. */
export function registerHealthGauges(
  metrics: MetricsRegistry,
  statuses: { shared: () => UpstreamStatus[]; owners: () => UpstreamStatus[] },
): void {
  const count = (read: () => UpstreamStatus[], status: UpstreamStatus) => () =>
    read().filter((s) => s === status).length;
  metrics.gauge(
    "mcp_upstreams_running",
    "MCP upstreams running in this process",
    count(statuses.shared, "running"),
  );
  metrics.gauge(
    "mcp_upstreams_error",
    "MCP upstreams in error in this process",
    count(statuses.shared, "error"),
  );
  metrics.gauge(
    "mcp_owner_children",
    "Per-owner MCP stdio children in this process",
    () => statuses.owners().length,
  );
  metrics.gauge(
    "mcp_owner_children_running",
    "Per-owner MCP stdio children running in this process",
    count(statuses.owners, "running"),
  );
  metrics.gauge(
    "mcp_owner_children_error",
    "Per-owner MCP stdio children in error in this process",
    count(statuses.owners, "error"),
  );
}
