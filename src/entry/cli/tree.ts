import { type Group, group } from "./command.ts";
import { adminApiKeys } from "./commands/admin_api_keys.ts";
import { adminBootstrap } from "./commands/admin_bootstrap.ts";
import { adminConfig } from "./commands/admin_config.ts";
import { adminKeys } from "./commands/admin_keys.ts";
import { adminSecrets } from "./commands/admin_secrets.ts";
import { adminPolicy } from "./commands/admin_policy.ts";
import { adminSession } from "./commands/admin_session.ts";
import { adminSetup } from "./commands/admin_setup.ts";
import { adminUsers } from "./commands/admin_users.ts";
import { buildInfo } from "./commands/build_info.ts";
import { infraAudit } from "./commands/infra_audit.ts";
import { infraDb } from "./commands/infra_db.ts";
import { infraLogs } from "./commands/infra_logs.ts";
import { pluginsMcp } from "./commands/plugins_mcp.ts";
import { infraServices } from "./commands/infra_services.ts";

/** The eight domains of the CLI (ARCHITECTURE §8). Each command lives in `commands/`. */
export const COMMAND_TREE: Group = group(
  "systemprompt",
  "systemprompt: the governed path between your AI and everything it touches",
  [
    group("core", "Skills, contexts and hooks", []),
    group("infra", "Services, database, jobs, logs and audit", [
      infraServices,
      infraDb,
      infraLogs,
      infraAudit,
    ]),
    group("admin", "Setup, users, keys, secrets, configuration and agents", [
      adminSetup,
      adminBootstrap,
      adminUsers,
      adminSession,
      adminKeys,
      adminApiKeys,
      adminSecrets,
      adminConfig,
      adminPolicy,
    ]),
    group("cloud", "Offline bundle export and import between instances", []),
    group("analytics", "Usage, costs and activity reports", []),
    group("web", "The web console", []),
    group("plugins", "MCP servers and plugins", [pluginsMcp]),
    group("build", "Build information", [buildInfo]),
  ],
);
