import type { Stage, StageId } from "../types.ts";

/**
 * A stage whose subject does not exist on this target yet: `tool_pinning` needs an MCP upstream's
 * catalogue and `budget` a cost estimate; neither exists for a Claude Code tool on the hooks surface.
 */
export function createNotApplicable(id: StageId, why: string): Stage {
  return { id, evaluate: () => ({ result: "n/a", detail: why }) };
}
