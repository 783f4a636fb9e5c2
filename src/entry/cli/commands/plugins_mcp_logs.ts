import { type ExecutionStatus, listExecutions } from "@domain/mcp/mod.ts";
import { AppError } from "@shared/errors.ts";
import { command, type Group, group } from "../command.ts";

/** `infra logs tools list [--server S] [--status …] [--since 1h|ISO] [--limit N]`: MCP executions. */
const STATUSES: readonly ExecutionStatus[] = ["success", "failed", "timeout", "denied"];

const toolsListCmd = command({
  name: "list",
  summary: "MCP tool executions, newest first",
  forwardable: true,
  flags: [
    { name: "server", type: "string", value: "S", summary: "only this MCP server" },
    { name: "status", type: "string", value: STATUSES.join("|"), summary: "only this outcome" },
    { name: "since", type: "string", value: "ISO|1h|30m", summary: "only executions since then" },
    { name: "limit", type: "string", value: "N", summary: "at most N rows (default 50)" },
  ],
  run: async (inv) => {
    const status = inv.flags["status"];
    if (status !== undefined && !STATUSES.includes(status as ExecutionStatus)) {
      throw new AppError("cli.usage", `--status must be one of ${STATUSES.join(", ")}`);
    }
    const limitText = inv.flags["limit"];
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new AppError("cli.usage", "--limit must be 1..10000");
    }
    const since = typeof inv.flags["since"] === "string"
      ? sinceDate(inv.flags["since"], inv.clock.now())
      : undefined;
    const ctx = await inv.context();
    // Rows this process answered but has not written yet (a forwarded command runs in the server).
    await ctx.mcp.executions.flush();
    const items = await listExecutions(ctx.db, {
      server: typeof inv.flags["server"] === "string" ? inv.flags["server"] : undefined,
      status: status as ExecutionStatus | undefined,
      since,
      limit,
    });
    return {
      kind: "list",
      columns: ["created_at", "server", "tool", "status", "duration_ms", "trace_id", "error"],
      items,
    };
  },
});

export const infraLogsTools: Group = group("tools", "MCP tool executions", [toolsListCmd]);

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `1h`, `2d`, `45s` before now, or an ISO-8601 time (as `infra logs audit --since`). */
function sinceDate(text: string, now: Date): Date {
  const relative = /^(\d{1,9})([smhd])$/.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(at.getTime())) {
    throw new AppError("cli.usage", "--since must be an ISO time or like 30m, 1h, 2d");
  }
  return at;
}
