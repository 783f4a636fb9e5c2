import type { Stage } from "../types.ts";

export interface ToolBlocklistSettings {
  readonly words: readonly string[];
}

/** `mcp__<server>__<tool>` → `<tool>`; other names are their own. */
export function ownToolName(toolName: string): string {
  const match = /^mcp__.+?__(.+)$/.exec(toolName);
  return match?.[1] ?? toolName;
}

/** Non-admins may not call a tool whose own name contains a listed word (case-insensitive). */
export function createToolBlocklist(settings: ToolBlocklistSettings): Stage {
  const words = settings.words.map((w) => w.toLowerCase()).filter((w) => w.length > 0);
  return {
    id: "tool_blocklist",
    evaluate: ({ subject, target }) => {
      if (subject.scope === "admin") return { result: "pass", detail: "admin exempt" };
      const own = ownToolName(target.toolName).toLowerCase();
      const word = words.find((w) => own.includes(w));
      if (!word) return { result: "pass" };
      return { result: "fail", reason: `tool ${target.toolName} blocked by list ${word}` };
    },
  };
}
