import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  type CallToolRequest,
  CallToolRequestSchema,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

/**
 * A remote streamable-HTTP MCP server for the gateway's `http` upstream kind: stateless, one tool
 * `whoami` that answers with the Authorization header it received. It records every header value
 * it saw, so a test can prove the gateway sent the vault credential and never the client's token.
 */
export interface HttpUpstream extends AsyncDisposable {
  readonly url: string;
  readonly authorizations: string[];
  /** The Authorization header of each `tools/call` only. */
  readonly callAuthorizations: string[];
  /** The JSON-RPC method of every message received, in order. */
  readonly methods: string[];
}

export function startHttpUpstream(port: number): HttpUpstream {
  const authorizations: string[] = [];
  const callAuthorizations: string[] = [];
  const methods: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (request) => {
    const authorization = request.headers.get("authorization") ?? "";
    authorizations.push(authorization);
    const message = await request.clone().json().catch(() => undefined) as { method?: unknown } | undefined;
    if (typeof message?.method === "string") methods.push(message.method);
    const mcp = new Server({ name: "remote", version: "1.0.0" }, { capabilities: { tools: {} } });
    mcp.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [{
        name: "whoami",
        description: "The caller's Authorization header.",
        inputSchema: { type: "object" },
      }],
    }));
    mcp.setRequestHandler(CallToolRequestSchema, (_request: CallToolRequest) => {
      callAuthorizations.push(authorization);
      return { content: [{ type: "text", text: `authorization: ${authorization}` }] };
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await mcp.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      await mcp.close();
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/mcp`,
    authorizations,
    callAuthorizations,
    methods,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
