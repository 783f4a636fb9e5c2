import { AppError, describeError } from "@shared/errors.ts";
import { seedAccessRules } from "@domain/governance/mod.ts";
import { findBootstrapAdmin, refreshAdminToken } from "@app/setup.ts";
import { startBackgroundJobs } from "@app/background_jobs.ts";
import { runVaultMaintenance } from "@app/vault_maintenance.ts";
import { startHttpServer } from "../../http/serve.ts";
import { type AdminChannel, openAdminChannel } from "../admin_channel.ts";
import { command, type Group, group, type Invocation } from "../command.ts";
import { openSystemdNotifier } from "../../systemd/notify.ts";
import { setupAppliance } from "./admin_setup.ts";

/**
 * Runs the server until SIGTERM or SIGINT: stop accepting, drain in-flight requests (bounded),
 * close the admin channel and the pool, return (exit 0).
 */
async function serve(inv: Invocation, banner: (url: string) => string): Promise<void> {
  const config = await inv.config();
  const log = inv.log;
  await using notifier = openSystemdNotifier(inv.env, log);
  const ctx = await inv.context({ migrate: true });
  await seedAccessRules(ctx.db, ctx.policy.rules, ctx.policy.version);
  log.info("governance.policy_loaded", {
    policy_version: ctx.policy.version,
    chain: ctx.config.services.governance.chain,
  });
  const admin = await findBootstrapAdmin(ctx);
  if (admin) await refreshAdminToken(ctx, admin);
  const server = startHttpServer(ctx, { hostname: config.server.host, port: config.server.port });
  let channel: AdminChannel | undefined;
  if (config.database.kind === "embedded") {
    channel = await openAdminChannel(config.layout.adminSocket, async ({ argv, stdin }) => {
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
      const code = await inv.dispatch(argv, { io, sharedContext: ctx, stdin });
      return { code, stdout: out.join(""), stderr: err.join("") };
    }, log);
  }
  const jobs = startBackgroundJobs([
    {
      name: "vault.reencrypt",
      everyMs: 3_600_000,
      firstAfterMs: 30_000,
      run: () => runVaultMaintenance({ vault: ctx.vault, db: ctx.db, clock: ctx.clock, log }),
    },
  ], log);
  inv.io.out(banner(server.url));
  await notifier.ready(`serving on ${server.url}`);
  const signal = await waitForSignal();
  log.info("server.stopping", { signal });
  await notifier.stopping(`draining after ${signal}`);
  await server.shutdown();
  await jobs.stop();
  await channel?.close();
  log.info("server.stopped", {});
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const signals: Deno.Signal[] = ["SIGTERM", "SIGINT"];
    const handlers = signals.map((name) => {
      const handler = () => {
        handlers.forEach(([n, h]) => Deno.removeSignalListener(n, h));
        resolve(name);
      };
      Deno.addSignalListener(name, handler);
      return [name, handler] as const;
    });
  });
}

const serveCmd = command({
  name: "serve",
  summary: "Run the HTTP server (and the admin channel) until SIGTERM",
  serverLogs: true,
  run: async (inv) => {
    await serve(inv, (url) => `systemprompt listening on ${url}\n`);
    return { kind: "none" };
  },
});

const startCmd = command({
  name: "start",
  summary: "First-run setup when needed, then serve (what `deno task start` runs)",
  serverLogs: true,
  run: async (inv) => {
    const setup = await setupAppliance(inv, {});
    await serve(inv, (url) =>
      [
        `systemprompt ${inv.build.version} is running at ${url}`,
        `  health:      ${url}/api/v1/health`,
        `  admin token: ${setup.admin_token_file} (send it as "Authorization: Bearer <token>")`,
        `  database:    ${setup.database}`,
        "",
      ].join("\n"));
    return { kind: "none" };
  },
});

const statusCmd = command({
  name: "status",
  summary: "Ask the configured server for its health",
  run: async (inv) => {
    const config = await inv.config();
    const host = ["0.0.0.0", "::"].includes(config.server.host) ? "127.0.0.1" : config.server.host;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${config.server.port}/api/v1/health`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      const body = await response.json() as Record<string, unknown>;
      return { kind: "object", value: { url, http_status: response.status, ...body } };
    } catch (error) {
      throw new AppError("service.unreachable", `no server answers at ${url} (${describeError(error)})`);
    }
  },
});

export const infraServices: Group = group("services", "Run and inspect the server", [
  serveCmd,
  startCmd,
  statusCmd,
]);
