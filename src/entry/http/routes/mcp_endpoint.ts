import type { Context } from "hono";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { type AuthDeps, authenticate } from "@app/authenticate.ts";
import type { Principal } from "@domain/identity/mod.ts";
import { insertMcpSession, type McpSessionId, newMcpSessionId, parseMcpSessionId } from "@domain/mcp/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import type { Clock } from "@shared/clock.ts";
import type { HttpEnv } from "../env.ts";
import { createProtocolServer, negotiatedVersion, type ProtocolDeps } from "./mcp_protocol.ts";
import { INVALID_REQUEST, jsonRpcShape, PARSE_ERROR, rpcErrorResponse } from "./mcp_rpc.ts";
import { corsHeaders, refuseMissingScopes, resourceMetadataUrl, resourceUrl } from "./mcp_resource.ts";

/**
 * `ANY /api/v1/mcp/{server}/mcp`: streamable HTTP for one of our MCP servers. Each request is
 * served by a fresh SDK transport in stateless mode; the session (user, protocol version, client
 * capabilities) is our row in PostgreSQL, so any replica continues it. Batches are refused, a
 * foreign `Origin` gets 403, an unknown server 404, a missing or wrong credential 401 (with the RFC
 * 9728 metadata URL for OAuth servers). GET (server-to-client stream) answers 405: we send nothing
 * unprompted.
 */
export interface McpEndpointDeps extends ProtocolDeps {
  readonly auth: AuthDeps & { readonly clock: Clock };
  readonly externalUrl: string;
  readonly corsAllowedOrigins: readonly string[];
}

const ALL_FEATURES = { resources: true, prompts: true } as const;

export async function serveMcpEndpoint(c: Context<HttpEnv>, deps: McpEndpointDeps): Promise<Response> {
  const name = c.req.param("server") ?? "";
  const server = deps.hub.server(name);
  if (!server || !server.enabled) return rpcErrorResponse(404, INVALID_REQUEST, `unknown MCP server ${name}`);
  const origin = c.req.header("origin");
  const cors = corsHeaders(origin, deps.corsAllowedOrigins, deps.externalUrl);
  if (cors === undefined) return rpcErrorResponse(403, INVALID_REQUEST, "Origin not allowed");
  if (c.req.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
  const principal = await authenticateMcp(c, deps, server);
  if (principal instanceof Response) return withHeaders(principal, cors);
  const refused = await refuseMissingScopes(c, deps, server, principal);
  if (refused) return withHeaders(refused, cors);
  switch (c.req.method) {
    case "POST":
      return withHeaders(await post(c, deps, server, principal), cors);
    case "DELETE":
      return withHeaders(await remove(c, deps, server, principal), cors);
    default:
      return withHeaders(
        rpcErrorResponse(405, INVALID_REQUEST, "Method not allowed", { headers: { allow: "POST, DELETE" } }),
        cors,
      );
  }
}

async function authenticateMcp(
  c: Context<HttpEnv>,
  deps: McpEndpointDeps,
  server: McpServerConfig,
): Promise<Principal | Response> {
  const audiences = ["mcp", resourceUrl(deps.externalUrl, server.name)];
  if (server.oauth.audience) audiences.push(server.oauth.audience);
  const verdict = await authenticate(
    deps.auth,
    { authorization: c.req.header("authorization"), apiKey: c.req.header("x-api-key") },
    { audiences },
    deps.auth.clock.now(),
  );
  if (verdict.ok) return verdict.principal;
  const params = [`realm="systemprompt"`];
  if (server.oauth.required) {
    params.push(`resource_metadata="${resourceMetadataUrl(deps.externalUrl, server.name)}"`);
  }
  if (server.oauth.scopes.length > 0) params.push(`scope="${server.oauth.scopes.join(" ")}"`);
  if (verdict.reason !== "missing") params.push(`error="invalid_token"`);
  return rpcErrorResponse(401, INVALID_REQUEST, verdict.message, {
    headers: { "www-authenticate": `Bearer ${params.join(", ")}` },
  });
}

async function post(
  c: Context<HttpEnv>,
  deps: McpEndpointDeps,
  server: McpServerConfig,
  principal: Principal,
): Promise<Response> {
  const parsed = await readMessage(c);
  if (parsed instanceof Response) return parsed;
  const { body, method } = parsed;
  const initialize = method === "initialize";
  const session = initialize ? newMcpSessionId() : await continuedSession(c, deps, server, principal);
  if (session instanceof Response) return session;
  // `initialize` declares what the upstream offers (all, when it cannot be asked now); later
  // requests serve whatever was negotiated.
  const features = initialize ? await deps.hub.features(server.name) ?? ALL_FEATURES : ALL_FEATURES;
  const protocol = createProtocolServer(deps, {
    principal,
    server,
    sessionId: session,
    traceId: c.get("traceId"),
    signal: c.req.raw.signal,
  }, features);
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await protocol.connect(transport);
  try {
    const response = await transport.handleRequest(c.req.raw, { parsedBody: body });
    if (!initialize || response.status !== 200) return response;
    await recordSession(deps, { id: session, server, principal, protocol, body });
    response.headers.set("mcp-session-id", session);
    return response;
  } finally {
    await protocol.close();
  }
}

/** One JSON-RPC message (not a batch), or the error answer. */
async function readMessage(
  c: Context<HttpEnv>,
): Promise<{ body: unknown; method: string | undefined } | Response> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return rpcErrorResponse(400, PARSE_ERROR, "Parse error: invalid JSON");
  }
  if (Array.isArray(body)) {
    return rpcErrorResponse(400, INVALID_REQUEST, "JSON-RPC batches are not supported");
  }
  const shape = jsonRpcShape(body);
  if (!shape.ok) {
    return rpcErrorResponse(400, INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message", {
      id: shape.id,
    });
  }
  return { body, method: shape.method };
}

/** After a successful `initialize`: our session row (what the SDK would keep in memory). */
async function recordSession(
  deps: McpEndpointDeps,
  s: { id: McpSessionId; server: McpServerConfig; principal: Principal; protocol: Server; body: unknown },
): Promise<void> {
  const params = (s.body as { params?: { protocolVersion?: unknown } }).params;
  const row = {
    id: s.id,
    server: s.server.name,
    userId: s.principal.userId,
    protocolVersion: negotiatedVersion(params?.protocolVersion),
    clientInfo: { ...s.protocol.getClientVersion() },
    clientCapabilities: { ...s.protocol.getClientCapabilities() },
    createdAt: deps.clock.now(),
  };
  await insertMcpSession(deps.db, row);
  deps.hub.sessions.created(row);
}

async function continuedSession(
  c: Context<HttpEnv>,
  deps: McpEndpointDeps,
  server: McpServerConfig,
  principal: Principal,
): Promise<McpSessionId | Response> {
  const header = c.req.header("mcp-session-id");
  if (!header) {
    return rpcErrorResponse(400, INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required");
  }
  const id = parseMcpSessionId(header);
  const session = id && await deps.hub.sessions.find({ id, server: server.name, userId: principal.userId });
  return session ? session.id : rpcErrorResponse(404, -32001, "Session not found");
}

async function remove(
  c: Context<HttpEnv>,
  deps: McpEndpointDeps,
  server: McpServerConfig,
  principal: Principal,
): Promise<Response> {
  const id = parseMcpSessionId(c.req.header("mcp-session-id"));
  const closed = id !== undefined &&
    await deps.hub.sessions.close({ id, server: server.name, userId: principal.userId });
  return closed ? new Response(null, { status: 200 }) : rpcErrorResponse(404, -32001, "Session not found");
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [key, value] of Object.entries(headers)) response.headers.set(key, value);
  return response;
}
