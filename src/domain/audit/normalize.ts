import type { NewDecisionRecord } from "./record.ts";

/**
 * A record as PostgreSQL will store it, so the hash computed before the insert is the hash a
 * verifier recomputes from the row: JSON values go through a JSON round trip (what jsonb keeps),
 * and every string is made well-formed UTF-16 without NUL characters (which text and jsonb refuse)
 * by replacing the offending code units with U+FFFD.
 */
export function normalizeDecision(record: NewDecisionRecord): NewDecisionRecord {
  return {
    ...record,
    sessionId: cleanNullable(record.sessionId),
    toolName: cleanNullable(record.toolName),
    agentId: cleanNullable(record.agentId),
    policy: cleanText(record.policy),
    reason: cleanNullable(record.reason),
    evaluatedRules: cleanJson(JSON.parse(JSON.stringify(record.evaluatedRules))) as Record<string, unknown>,
    pluginId: cleanNullable(record.pluginId),
    actorId: cleanNullable(record.actorId),
    actChain: record.actChain.map(cleanText),
    contextId: cleanNullable(record.contextId),
    taskId: cleanNullable(record.taskId),
    createdAt: new Date(record.createdAt.getTime()),
  };
}

function cleanText(text: string): string {
  return text.toWellFormed().replaceAll("\u0000", "\uFFFD");
}

function cleanNullable(text: string | null): string | null {
  return text === null ? null : cleanText(text);
}

function cleanJson(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanJson(v)]));
  }
  return value;
}
