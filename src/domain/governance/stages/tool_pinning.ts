import type { Stage } from "../types.ts";

/**
 * `tool_pinning` for MCP upstreams (rug-pull defence): a tool may be called only while its pinned
 * form is current. A tool whose name, description or schema changed since it was pinned, or that
 * appeared after the first pin, is quarantined until an admin approves it. Other surfaces have no
 * pinned catalogue and record `n/a`.
 */
export type ToolPinState = "pinned" | "quarantined" | "unpinned";

export interface ToolPinPort {
  /** The pin state of an audited MCP tool name (`mcp__<server>__<tool>`). */
  status(toolName: string): Promise<ToolPinState>;
}

export function createToolPinning(pins: ToolPinPort): Stage {
  return {
    id: "tool_pinning",
    evaluate: async ({ target }) => {
      if (target.surface !== "mcp") {
        return { result: "n/a", detail: "no pinned upstream catalogue for this target" };
      }
      if (target.event === "resources/read" || target.event === "prompts/get") {
        return { result: "n/a", detail: "MCP resources and prompts are not pinned" };
      }
      const state = await pins.status(target.toolName);
      switch (state) {
        case "pinned":
          return { result: "pass", detail: "pinned" };
        case "quarantined":
          return {
            result: "fail",
            reason:
              `tool ${target.toolName} changed since it was pinned; quarantined until an admin approves it`,
          };
        case "unpinned":
          return { result: "fail", reason: `tool ${target.toolName} is not in the pinned catalogue` };
        default: {
          const never: never = state;
          return never;
        }
      }
    },
  };
}
