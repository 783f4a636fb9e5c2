import type { AppContext } from "@app/context.ts";
import type { BuiltinServer, CallToolResult, McpCaller, Tool } from "@app/mcp_types.ts";
import { splitCommandLine } from "./command_line.ts";

/**
 * `systemprompt`: the admin MCP server. Its one tool runs a CLI command in this process, against
 * this server's own context, with the caller's rights: the CLI administers the whole instance, so
 * only an admin may run it (its audited name `mcp__systemprompt__systemprompt` is admin-only in the
 * default chain too). Commands that would serve forever, or call MCP tools again, are refused.
 */
const TOOL: Tool = {
  name: "systemprompt",
  description: "Run a systemprompt CLI command (e.g. `admin users list`, `infra logs audit --limit 5`, " +
    "`--json plugins mcp list`) and return its output.",
  inputSchema: {
    type: "object",
    properties: {
      command: { type: "string", description: "The CLI arguments after `systemprompt`", minLength: 1 },
    },
    required: ["command"],
    additionalProperties: false,
  },
  annotations: { destructiveHint: true, openWorldHint: false },
};

const MAX_OUTPUT_CHARS = 64 * 1024;
const REFUSED: readonly (readonly string[])[] = [["infra", "services"], ["plugins", "mcp", "call"]];

export function createSystempromptServer(ctx: AppContext): BuiltinServer {
  return {
    name: "systemprompt",
    listTools: () => [structuredClone(TOOL)],
    call: async (tool, args, caller) => {
      if (tool !== TOOL.name) return failure(`unknown tool ${tool}`);
      if (caller.principal.scope !== "admin") {
        return failure("the systemprompt tool runs admin commands; it requires admin scope");
      }
      const argv = commandArgv(String(args["command"] ?? ""));
      if (typeof argv === "string") return failure(argv);
      return await runCommand(ctx, argv, caller);
    },
  };
}

function commandArgv(command: string): string[] | string {
  const words = splitCommandLine(command);
  if (words === undefined) return "unbalanced quotes in command";
  const argv = words[0] === "systemprompt" ? words.slice(1) : words;
  if (argv.length === 0) return "empty command";
  const verbs = argv.filter((w) => !w.startsWith("-"));
  if (REFUSED.some((prefix) => prefix.every((w, i) => verbs[i] === w))) {
    return `\`${verbs.slice(0, 3).join(" ")}\` cannot run through the systemprompt tool`;
  }
  return argv;
}

async function runCommand(ctx: AppContext, argv: string[], caller: McpCaller): Promise<CallToolResult> {
  // Loaded on use: the CLI tree reaches the HTTP server, which serves this module.
  const { runCli } = await import("../cli/main.ts");
  const out: string[] = [];
  const err: string[] = [];
  const { layout } = ctx.config;
  const code = await runCli(argv, {
    env: { SYSTEMPROMPT_HOME: layout.home, SYSTEMPROMPT_PROFILE: layout.profileName },
    cwd: layout.home,
    io: { out: (t) => void out.push(t), err: (t) => void err.push(t) },
    sharedContext: ctx,
  });
  ctx.log.info("mcp.systemprompt_command", {
    command: argv.filter((w) => !w.startsWith("-")).slice(0, 3),
    exit_code: code,
    user_id: caller.principal.userId,
    trace_id: caller.traceId,
  });
  const text = [out.join(""), err.join("")].filter((t) => t !== "").join("\n");
  const capped = text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}\n… (truncated)` : text;
  return { content: [{ type: "text", text: capped || `(exit ${code}, no output)` }], isError: code !== 0 };
}

function failure(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}
