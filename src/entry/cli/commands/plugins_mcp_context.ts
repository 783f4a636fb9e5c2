import type { AppContext } from "@app/context.ts";
import { createBuiltins } from "../../mcp/builtins.ts";
import type { Invocation } from "../command.ts";

/** The context for an MCP command, with our builtin servers installed in its hub. */
export async function mcpContext(inv: Invocation): Promise<AppContext> {
  const ctx = await inv.context();
  ctx.mcp.installBuiltins(createBuiltins(ctx));
  return ctx;
}
