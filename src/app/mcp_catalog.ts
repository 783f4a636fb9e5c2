import notifyControlSql from "@sql/queries/mcp/notify_control.sql" with { type: "text" };
import {
  isServerPinned,
  listPins,
  type PinStatus,
  reconcilePins,
  type StoredPin,
  writePins,
} from "@domain/mcp/mod.ts";
import { type ScanOptions, scanText } from "@domain/scanner/mod.ts";
import type { Db } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import type { Logger } from "@shared/logger.ts";
import type { Tool } from "./mcp_types.ts";

/**
 * One upstream's tool catalogue as this process last saw it, reconciled with the pins in
 * PostgreSQL: the first successful list pins every tool, later lists quarantine what changed.
 * Descriptions are inspected at pin time: a secret or hidden characters in a description
 * quarantine the tool even on the first list.
 */
export interface Catalog {
  readonly server: string;
  readonly tools: readonly Tool[];
  readonly statuses: ReadonlyMap<string, PinStatus>;
  readonly fetchedAt: number;
}

export interface CatalogDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly log: Logger;
  readonly egressScan: ScanOptions;
}

export async function reconcileCatalog(
  deps: CatalogDeps,
  server: string,
  tools: readonly Tool[],
): Promise<Catalog> {
  const now = deps.clock.now();
  const statuses = await deps.db.tx(async (q) => {
    const firstPin = !(await isServerPinned(q, server));
    const stored = new Map<string, StoredPin>((await listPins(q, server)).map((p) => [p.tool, p]));
    const reconciled = reconcilePins({
      firstPin,
      stored,
      listed: tools,
      inspect: (tool) => inspectDescription(tool.description ?? "", deps.egressScan),
    });
    if (firstPin || reconciled.writes.length > 0) {
      await writePins(q, server, reconciled.writes, now);
      // Every process drops its cached pin states of this server (mcp_pin_cache.ts) at commit.
      await q.query(notifyControlSql, [`pins:${server}`]);
    }
    for (const w of reconciled.writes.filter((w) => w.status === "quarantined")) {
      deps.log.warn("mcp.tool_quarantined", { server, tool: w.tool, reason: w.reason });
    }
    return reconciled.statuses;
  });
  return { server, tools: [...tools], statuses, fetchedAt: Date.now() };
}

/** Why a tool description may not be trusted as is (never quoting the secret itself). */
export function inspectDescription(description: string, options: ScanOptions): string | undefined {
  const scan = scanText(description, "description", options);
  const [first] = scan.findings;
  if (first) return `description contains a secret (${first.name})`;
  if (scan.hiddenCharacters) return "description contains hidden characters";
  return undefined;
}
