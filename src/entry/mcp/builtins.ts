import type { AppContext } from "@app/context.ts";
import type { BuiltinCatalog } from "@app/mcp_types.ts";
import { createDemoServer } from "./demo.ts";
import { createSystempromptServer } from "./systemprompt.ts";

/**
 * Our builtin MCP servers (`kind: builtin` in `services/mcp`), by name. The names are the ones the
 * registry schema accepts (`BUILTIN_MCP_SERVERS`).
 */
export function createBuiltins(ctx: AppContext): BuiltinCatalog {
  return new Map([
    ["demo", createDemoServer(ctx.clock)],
    ["systemprompt", createSystempromptServer(ctx)],
  ]);
}
