import { sortedInPlace } from "./canonical_json.ts";
import type { NewDecisionRecord } from "./record.ts";

/**
 * A record as PostgreSQL will store it, so the hash computed before the insert is the hash a
 * verifier recomputes from the row: JSON values become what a JSON round trip gives (what jsonb
 * keeps), and every string is made well-formed UTF-16 without NUL characters (which text and jsonb
 * refuse) by replacing the offending code units with U+FFFD. The JSON is copied in one pass (a
 * snapshot: the caller may go on using its objects), sharing every string that needs no cleaning,
 * with each object's keys in sorted order: jsonb keeps no order anyway, and a sorted copy's
 * canonical text is one native `JSON.stringify` (canonical_json.ts) instead of a piece per member.
 */
export function normalizeDecision(record: NewDecisionRecord): NewDecisionRecord {
  return {
    ...record,
    sessionId: cleanNullable(record.sessionId),
    toolName: cleanNullable(record.toolName),
    agentId: cleanNullable(record.agentId),
    policy: cleanText(record.policy),
    reason: cleanNullable(record.reason),
    evaluatedRules: storedObject(record.evaluatedRules),
    pluginId: cleanNullable(record.pluginId),
    actorId: cleanNullable(record.actorId),
    actChain: record.actChain.map(cleanText),
    contextId: cleanNullable(record.contextId),
    taskId: cleanNullable(record.taskId),
    createdAt: new Date(record.createdAt.getTime()),
  };
}

function cleanText(text: string): string {
  return text.isWellFormed() && !text.includes("\u0000")
    ? text
    : text.toWellFormed().replaceAll("\u0000", "\uFFFD");
}

function cleanNullable(text: string | null): string | null {
  return text === null ? null : cleanText(text);
}

function storedObject(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const stored = storedValue(value);
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) {
    throw new TypeError("evaluated_rules must be a JSON object");
  }
  return stored as Record<string, unknown>;
}

const OMITTED = Symbol("omitted");

/**
 * `cleanJson(JSON.parse(JSON.stringify(value)))` without the text in between: plain objects, arrays
 * and primitives are copied directly; anything else (toJSON, boxed values, class instances) takes
 * the round trip for its subtree. `OMITTED` where JSON leaves a member out.
 */
function storedValue(value: unknown): unknown {
  switch (typeof value) {
    case "string":
      return cleanText(value);
    case "number":
      return Number.isFinite(value) ? value + 0 : null; // -0 + 0 is 0, as JSON writes it
    case "boolean":
      return value;
    case "undefined":
    case "function":
    case "symbol":
      return OMITTED;
    case "object": {
      if (value === null) return null;
      if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) return storedArray(value);
      const proto = Object.getPrototypeOf(value);
      if ((proto === Object.prototype || proto === null) && !("toJSON" in value)) {
        return storedRecord(value as Record<string, unknown>);
      }
      return cleanParsed(JSON.parse(JSON.stringify(value) ?? "null"));
    }
    default:
      throw new TypeError(`cannot store a ${typeof value} as JSON`);
  }
}

function storedArray(value: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = storedValue(value[i]);
    out[i] = item === OMITTED ? null : item;
  }
  return out;
}

function storedRecord(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of sortedInPlace(Object.keys(value))) {
    const item = storedValue(value[key]);
    if (item !== OMITTED) define(out, cleanText(key), item);
  }
  return out;
}

/** What `JSON.parse` made, cleaned (its output is only plain objects, arrays and primitives). */
function cleanParsed(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanParsed);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) define(out, cleanText(k), cleanParsed(v));
    return out;
  }
  return value;
}

/** An own data member even for `__proto__` (as `JSON.parse` and `Object.fromEntries` make it). */
function define(out: Record<string, unknown>, key: string, item: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = item;
  }
}
