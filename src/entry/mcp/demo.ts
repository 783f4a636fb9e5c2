import type { BuiltinServer, CallToolResult, Tool } from "@app/mcp_types.ts";
import type { Clock } from "@shared/clock.ts";

/**
 * `demo`: a harmless builtin MCP server for the default configuration, so a fresh install has a
 * governed tool to call: `echo`, `add`, `now`. Arguments arrive validated against these schemas.
 */
const TOOLS: readonly Tool[] = [
  {
    name: "echo",
    description: "Returns the text it is given.",
    inputSchema: {
      type: "object",
      properties: { text: { type: "string", description: "Text to echo back" } },
      required: ["text"],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: "add",
    description: "Adds two numbers.",
    inputSchema: {
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: "now",
    description: "The server's current time (ISO 8601, UTC).",
    inputSchema: { type: "object", properties: {}, additionalProperties: false },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
];

export function createDemoServer(clock: Clock): BuiltinServer {
  return {
    name: "demo",
    listTools: () => TOOLS.map((t) => structuredClone(t)),
    call: (tool, args) => {
      switch (tool) {
        case "echo":
          return Promise.resolve(text(String(args["text"] ?? "")));
        case "add": {
          const sum = Number(args["a"]) + Number(args["b"]);
          return Promise.resolve({ ...text(String(sum)), structuredContent: { sum } });
        }
        case "now":
          return Promise.resolve(text(clock.now().toISOString()));
        default:
          return Promise.resolve({ ...text(`unknown tool ${tool}`), isError: true });
      }
    },
  };
}

function text(value: string): CallToolResult {
  return { content: [{ type: "text", text: value }] };
}
