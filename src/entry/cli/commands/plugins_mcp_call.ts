import { cliPrincipal } from "@app/mcp_admin.ts";
import { callGovernedTool } from "@app/mcp_call.ts";
import { AppError } from "@shared/errors.ts";
import { newTraceId } from "@shared/ids.ts";
import { command } from "../command.ts";
import { mcpContext } from "./plugins_mcp_context.ts";

/**
 * `plugins mcp call <server> <tool> --args JSON [--as EMAIL]`: the same governed path as an MCP
 * client (one decision row, one execution row, redacted result), run as the first admin or as
 * `--as`.
 */
export const mcpCall = command({
  name: "call",
  summary: "Call a tool through the governed path and print its (redacted) result and trace id",
  forwardable: true,
  positionals: [
    { name: "server", summary: "the MCP server", required: true },
    { name: "tool", summary: "the tool's own name (as clients see it)", required: true },
  ],
  flags: [
    { name: "args", type: "string", value: "JSON", summary: "tool arguments (a JSON object; default {})" },
    { name: "as", type: "string", value: "EMAIL", summary: "call as this user (default: the first admin)" },
  ],
  run: async (inv) => {
    const ctx = await mcpContext(inv);
    const [serverName, tool] = [inv.positionals[0]!, inv.positionals[1]!];
    const server = ctx.mcp.server(serverName);
    if (!server) throw new AppError("mcp.server_not_found", `unknown MCP server ${serverName}`);
    if (!server.enabled) throw new AppError("mcp.server_unavailable", `MCP server ${serverName} is disabled`);
    const args = parseArgs(inv.flags["args"]);
    const principal = await cliPrincipal(
      ctx,
      typeof inv.flags["as"] === "string" ? inv.flags["as"] : undefined,
    );
    const traceId = newTraceId();
    const result = await callGovernedTool({
      ...ctx,
      hub: ctx.mcp,
      secrets: ctx.mcp.secrets,
      egressScan: ctx.egressScan,
    }, {
      principal,
      server,
      tool,
      args,
      sessionId: principal.sessionId,
      traceId,
      signal: new AbortController().signal,
    });
    const text = result.content.map((c) => c.type === "text" ? c.text : `[${c.type}]`).join("\n");
    return {
      kind: "object",
      value: {
        trace_id: traceId,
        is_error: result.isError === true,
        text,
        ...(result.structuredContent ? { structured_content: result.structuredContent } : {}),
      },
    };
  },
});

function parseArgs(raw: string | boolean | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  try {
    const value: unknown = JSON.parse(String(raw));
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new AppError("cli.usage", "--args must be a JSON object");
}
