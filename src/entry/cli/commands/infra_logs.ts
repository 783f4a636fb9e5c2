import { type DecisionFilter, listDecisions, readTrace, type TraceRecord } from "@domain/audit/mod.ts";
import { AppError } from "@shared/errors.ts";
import { command, type Group, group, type Invocation } from "../command.ts";
import { infraLogsTools } from "./plugins_mcp_logs.ts";

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 10_000;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const auditCmd = command({
  name: "audit",
  summary: "List governance decisions, newest first",
  forwardable: true,
  flags: [
    { name: "decision", type: "string", value: "allow|deny", summary: "only allows or only denies" },
    {
      name: "policy",
      type: "string",
      value: "P",
      summary: "only decisions by this policy (e.g. secret_scan)",
    },
    { name: "user", type: "string", value: "EMAIL_OR_ID", summary: "only this user" },
    { name: "session", type: "string", value: "S", summary: "only this session" },
    { name: "since", type: "string", value: "ISO|1h|30m", summary: "only decisions since then" },
    { name: "limit", type: "string", value: "N", summary: `at most N rows (default ${DEFAULT_LIMIT})` },
  ],
  run: async (inv) => {
    const filter = parseFilter(inv.flags, inv.clock.now());
    const ctx = await inv.context();
    const result = await listDecisions(ctx.db, filter);
    return { kind: "list", columns: result.columns, items: result.rows };
  },
});

function parseFilter(flags: Invocation["flags"], now: Date): DecisionFilter {
  const text = (name: string) => {
    const value = flags[name];
    return typeof value === "string" ? value : undefined;
  };
  const [decision, policy, user, session, since] = [
    text("decision"),
    text("policy"),
    text("user"),
    text("session"),
    text("since"),
  ];
  if (decision !== undefined && !isDecision(decision)) {
    throw new AppError("cli.usage", "--decision must be allow or deny");
  }
  return {
    limit: parseLimit(text("limit")),
    ...(decision !== undefined ? { decision } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(session !== undefined ? { session } : {}),
    ...(since !== undefined ? { since: parseSince(since, now) } : {}),
  };
}

function isDecision(value: string): value is "allow" | "deny" {
  return value === "allow" || value === "deny";
}

const traceShowCmd = command({
  name: "show",
  summary: "Everything recorded for one trace: decisions (with their policy and hash chain) and events",
  forwardable: true,
  positionals: [{ name: "trace_id", summary: "the trace id (x-trace-id)", required: true }],
  run: async (inv) => {
    const traceId = inv.positionals[0]!;
    const ctx = await inv.context();
    return { kind: "object", value: traceView(traceId, await readTrace(ctx.db, traceId)) };
  },
});

function traceView(traceId: string, trace: TraceRecord): Record<string, unknown> {
  return {
    trace_id: traceId,
    decisions: trace.decisions.map((d) => ({
      seq: d.seq,
      created_at: d.createdAt.toISOString(),
      decision: d.decision,
      policy: d.policy,
      reason: d.reason,
      tool_name: d.toolName,
      user_id: d.userId,
      session_id: d.sessionId,
      agent_scope: d.agentScope,
      chain: d.evaluatedRules["chain"] ?? [],
      prev_hash: d.prevHash,
      row_hash: d.rowHash,
    })),
    events: trace.events.map((e) => ({
      id: e.id,
      kind: e.kind,
      created_at: e.createdAt.toISOString(),
      delivered_at: e.deliveredAt?.toISOString() ?? null,
    })),
  };
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) throw new AppError("cli.usage", `--limit must be 1..${MAX_LIMIT}`);
  return n;
}

/** `30m`, `1h`, `2d`, `45s` before now, or an ISO-8601 timestamp. */
export function parseSince(text: string, now: Date): Date {
  const relative = /^(\d{1,9})([smhd])$/.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(at.getTime())) {
    throw new AppError("cli.usage", "--since must be an ISO time or like 30m, 1h, 2d");
  }
  return at;
}

export const infraLogs: Group = group("logs", "Audit and trace logs", [
  auditCmd,
  group("trace", "Everything recorded for one trace", [traceShowCmd]),
  infraLogsTools,
]);
