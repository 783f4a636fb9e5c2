import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import {
  type CallToolRequest,
  CallToolRequestSchema,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpCaller } from "@app/mcp_types.ts";
import type { Principal } from "@domain/identity/mod.ts";
import type { Clock } from "@shared/clock.ts";
import type { TraceId } from "@shared/ids.ts";
import { createDemoServer } from "@entry/mcp/demo.ts";

/**
 * The MCP floor: the same builtin `demo` server the product hosts, mounted ungoverned (no
 * authentication, session row, policy chain, audit or redaction) but served the same way — an SDK
 * `Server` (sharing one JSON Schema validator) and a stateless streamable-HTTP transport with JSON
 * responses built per request.
 */
export function mcpFloorHandler(clock: Clock, principal: Principal): (request: Request) => Promise<Response> {
  const demo = createDemoServer(clock);
  const caller: McpCaller = { principal, traceId: "bench" as TraceId, sessionId: "bench" };
  // Shared like the gateway's: the SDK's default builds an Ajv instance per `Server`.
  const jsonSchemaValidator = new AjvJsonSchemaValidator();
  return async (request) => {
    const server = new Server({ name: "bench-demo", version: "0" }, {
      capabilities: { tools: { listChanged: false } },
      jsonSchemaValidator,
    });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: demo.listTools() }));
    server.setRequestHandler(
      CallToolRequestSchema,
      (call: CallToolRequest, extra: { signal: AbortSignal }) =>
        demo.call(call.params.name, call.params.arguments ?? {}, caller, extra.signal),
    );
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    const body = JSON.parse(await request.text());
    return await transport.handleRequest(request, { parsedBody: body });
  };
}
