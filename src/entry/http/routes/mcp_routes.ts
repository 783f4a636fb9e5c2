import { Hono } from "hono";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { AppContext } from "@app/context.ts";
import type { AuthDeps } from "@app/authenticate.ts";
import { registryView } from "@app/mcp_registry.ts";
import type { Clock } from "@shared/clock.ts";
import { createBuiltins } from "../../mcp/builtins.ts";
import { requireAuth } from "../auth.ts";
import type { HttpEnv } from "../env.ts";
import { type McpEndpointDeps, serveMcpEndpoint } from "./mcp_endpoint.ts";
import { protectedResourceRoutes, resourceUrl } from "./mcp_resource.ts";

/**
 * The MCP gateway's routes (ARCHITECTURE §7): the registry, each server's streamable-HTTP
 * endpoint and its RFC 9728 metadata document.
 */
export function mcpRoutes(deps: McpEndpointDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.route(
    "/",
    protectedResourceRoutes({ externalUrl: deps.externalUrl, server: (n) => deps.hub.server(n) }),
  );
  app.get("/api/v1/mcp/registry", requireAuth(deps.auth, { audiences: ["api", "mcp"] }), async (c) => {
    const entries = await registryView(
      deps,
      c.get("principal"),
      (name) => resourceUrl(deps.externalUrl, name),
    );
    return c.json(entries);
  });
  app.all("/api/v1/mcp/:server/mcp", (c) => serveMcpEndpoint(c, deps));
  return app;
}

/**
 * Serving MCP means running it: installs our builtin servers in the context's hub and starts its
 * supervision (upstreams started, health probes, restart requests), then returns the routes' deps.
 */
export function startMcpGateway(ctx: AppContext, auth: AuthDeps & { clock: Clock }): McpEndpointDeps {
  ctx.mcp.installBuiltins(createBuiltins(ctx));
  ctx.mcp.startSupervision();
  return {
    auth,
    hub: ctx.mcp,
    secrets: ctx.mcp.secrets,
    policy: ctx.policy,
    audit: ctx.audit,
    clock: ctx.clock,
    log: ctx.log,
    db: ctx.db,
    metrics: ctx.metrics,
    egressScan: ctx.egressScan,
    externalUrl: ctx.config.server.externalUrl,
    corsAllowedOrigins: ctx.config.server.corsAllowedOrigins,
    version: ctx.build.version,
    schemaValidator: new AjvJsonSchemaValidator(),
  };
}
