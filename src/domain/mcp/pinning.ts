import { createHash } from "node:crypto";

/**
 * Tool pinning (rug-pull defence, ARCHITECTURE §6): the first successful `tools/list` of an upstream
 * pins each tool (SHA-256 of name, description and input schema). A later list that shows a changed
 * or new tool quarantines it until an admin approves what it looks like now; a tool that changes
 * back to exactly its approved form is pinned again. Pure: the repository stores the outcome.
 */
export interface PinnableTool {
  readonly name: string;
  readonly description?: string | undefined;
  readonly inputSchema: unknown;
}

export type PinStatus = "pinned" | "quarantined";

export interface StoredPin {
  readonly tool: string;
  /** The approved form; null for a tool never approved (new, or suspicious at first pin). */
  readonly fingerprint: string | null;
  /** What the tool looks like now while quarantined. */
  readonly pendingFingerprint: string | null;
  readonly status: PinStatus;
  readonly reason: string | null;
}

export interface PinWrite extends StoredPin {
  readonly description: string;
}

export interface Reconciled {
  /** Rows to insert or update (unchanged tools write nothing). */
  readonly writes: readonly PinWrite[];
  readonly statuses: ReadonlyMap<string, PinStatus>;
}

export interface ReconcileInput {
  /** No list of this server was ever pinned: pin what is listed now. */
  readonly firstPin: boolean;
  readonly stored: ReadonlyMap<string, StoredPin>;
  readonly listed: readonly PinnableTool[];
  /** Why a description is suspicious (a secret, hidden characters), or undefined. */
  readonly inspect: (tool: PinnableTool) => string | undefined;
}

export function toolFingerprint(tool: PinnableTool): string {
  const canonical = canonicalJson({
    name: tool.name,
    description: tool.description ?? "",
    inputSchema: tool.inputSchema ?? {},
  });
  return `sha256:${createHash("sha256").update(canonical).digest("hex")}`;
}

export function reconcilePins(input: ReconcileInput): Reconciled {
  const writes: PinWrite[] = [];
  const statuses = new Map<string, PinStatus>();
  for (const tool of input.listed) {
    const fp = toolFingerprint(tool);
    const stored = input.stored.get(tool.name);
    const next = nextPin(input.firstPin, stored, fp, () => input.inspect(tool), tool.name);
    statuses.set(tool.name, next.status);
    if (!stored || !samePin(stored, next)) writes.push({ ...next, description: tool.description ?? "" });
  }
  return { writes, statuses };
}

function nextPin(
  firstPin: boolean,
  stored: StoredPin | undefined,
  fp: string,
  inspect: () => string | undefined,
  tool: string,
): StoredPin {
  if (stored?.fingerprint === fp) {
    // Unchanged, or changed back to exactly the approved form.
    return { tool, fingerprint: fp, pendingFingerprint: null, status: "pinned", reason: null };
  }
  if (stored?.status === "quarantined" && stored.pendingFingerprint === fp) return stored;
  const suspicious = inspect();
  const quarantine = (reason: string): StoredPin => ({
    tool,
    fingerprint: stored?.fingerprint ?? null,
    pendingFingerprint: fp,
    status: "quarantined",
    reason,
  });
  if (suspicious !== undefined) return quarantine(suspicious);
  if (!stored && firstPin) {
    return { tool, fingerprint: fp, pendingFingerprint: null, status: "pinned", reason: null };
  }
  if (!stored) return quarantine("new tool since the server was pinned");
  return quarantine("changed since it was pinned");
}

function samePin(a: StoredPin, b: StoredPin): boolean {
  return a.fingerprint === b.fingerprint && a.pendingFingerprint === b.pendingFingerprint &&
    a.status === b.status && a.reason === b.reason;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
