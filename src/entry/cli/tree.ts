import { type Group, group } from "./command.ts";
import { adminConfig } from "./commands/admin_config.ts";
import { adminSetup } from "./commands/admin_setup.ts";
import { buildInfo } from "./commands/build_info.ts";
import { infraDb } from "./commands/infra_db.ts";
import { infraServices } from "./commands/infra_services.ts";

/** The eight domains of the CLI (ARCHITECTURE §8). Each command lives in `commands/`. */
export const COMMAND_TREE: Group = group(
  "systemprompt",
  "systemprompt: the governed path between your AI and everything it touches",
  [
    group("core", "Skills, contexts and hooks", []),
    group("infra", "Services, database, jobs, logs and audit", [infraServices, infraDb]),
    group("admin", "Setup, users, keys, secrets, configuration and agents", [adminSetup, adminConfig]),
    group("cloud", "Offline bundle export and import between instances", []),
    group("analytics", "Usage, costs and activity reports", []),
    group("web", "The web console", []),
    group("plugins", "MCP servers and plugins", []),
    group("build", "Build information", [buildInfo]),
  ],
);
