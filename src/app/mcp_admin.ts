import notifyControlSql from "@sql/queries/mcp/notify_control.sql" with { type: "text" };
import { type AdminActor, type Principal, recordAdminChange, scopeForRoles } from "@domain/identity/mod.ts";
import { approvePins, listPins } from "@domain/mcp/mod.ts";
import { AppError } from "@shared/errors.ts";
import { newSessionId } from "@shared/ids.ts";
import type { AppContext } from "./context.ts";
import { findBootstrapAdmin } from "./setup.ts";

/**
 * Operator use cases of the MCP gateway (CLI `plugins mcp …`): approving quarantined tools (one
 * transaction with its `admin.change` event; every process drops its cached catalogue), the full
 * tool list of a server with pin states, and the principal a CLI-initiated call runs as.
 */
type AdminDeps = Pick<AppContext, "db" | "clock" | "mcp">;

export async function approveTools(
  deps: AdminDeps,
  input: { server: string; tool: string | null; actor: AdminActor },
): Promise<string[]> {
  if (!deps.mcp.server(input.server)) {
    throw new AppError("mcp.server_not_found", `unknown MCP server ${input.server}`);
  }
  const now = deps.clock.now();
  const approvedBy = input.actor.kind === "cli" ? "cli" : input.actor.email;
  const approved = await deps.db.tx(async (q) => {
    const tools = await approvePins(q, { server: input.server, tool: input.tool, approvedBy, at: now });
    if (tools.length > 0) {
      await recordAdminChange(q, {
        action: "mcp.tools_approved",
        actor: input.actor,
        target: { server: input.server, tools },
      }, now);
      await q.query(notifyControlSql, [`forget:${input.server}`]);
    }
    return tools;
  });
  deps.mcp.forgetCatalog(input.server);
  return approved;
}

export interface ToolRow {
  readonly name: string;
  readonly status: "pinned" | "quarantined" | "disabled";
  readonly admin_only: boolean;
  readonly reason: string | null;
  readonly description: string;
}

/** Every tool the upstream lists now (re-listed, so pins are reconciled), with its state. */
export async function serverTools(deps: AdminDeps, server: string): Promise<ToolRow[]> {
  const config = deps.mcp.server(server);
  if (!config) throw new AppError("mcp.server_not_found", `unknown MCP server ${server}`);
  const catalog = await deps.mcp.catalog(server, 0);
  const reasons = new Map((await listPins(deps.db, server)).map((p) => [p.tool, p.reason]));
  return catalog.tools.map((tool) => {
    const flags = config.tools[tool.name];
    const pin = catalog.statuses.get(tool.name) ?? "quarantined";
    return {
      name: tool.name,
      status: flags?.disabled ? "disabled" : pin,
      admin_only: flags?.admin_only ?? false,
      reason: pin === "quarantined" ? reasons.get(tool.name) ?? null : null,
      description: (tool.description ?? "").slice(0, 120),
    };
  });
}

/** Who a call from the host's CLI runs as: `--as` (an active user) or the first admin. */
export async function cliPrincipal(
  ctx: Pick<AppContext, "users" | "tokens" | "config" | "clock">,
  email: string | undefined,
): Promise<Principal> {
  const user = email ? await ctx.users.findByEmail(email) : await findBootstrapAdmin(ctx);
  if (!user) {
    throw new AppError(
      "identity.user_not_found",
      email ? `no user with email ${email}` : "no admin user yet",
    );
  }
  if (user.status !== "active") {
    throw new AppError("identity.user_inactive", `user ${user.email} is not active`);
  }
  return {
    userId: user.id,
    email: user.email,
    roles: user.roles,
    scope: scopeForRoles(user.roles),
    credential: "session",
    audiences: ["mcp"],
    grantedScopes: [],
    pluginId: null,
    sessionId: newSessionId(ctx.clock.now().getTime()),
    clientId: "cli",
    department: user.department,
    agentId: null,
    actChain: [],
  };
}
