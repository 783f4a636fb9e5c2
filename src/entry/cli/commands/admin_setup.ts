import { relative } from "node:path";
import { DEFAULT_ADMIN_EMAIL, ensureAdminUser, refreshAdminToken } from "@app/setup.ts";
import { redactUrl } from "@infra/db/connect.ts";
import { scaffoldHome, setSecretsDatabaseUrl } from "@infra/config/scaffold.ts";
import type { AppContext } from "@app/context.ts";
import { setSecret } from "@app/vault_admin.ts";
import { parseSecretName } from "@domain/vault/mod.ts";
import { AppError } from "@shared/errors.ts";
import { Secret } from "@shared/secret.ts";
import { command, type Invocation } from "../command.ts";

/**
 * First run, explicit or implied by `infra services start`: profile, secrets (0600), signing key,
 * database, migrations, the admin user and `<home>/admin.token`. Everything is reused when present.
 */
export async function setupAppliance(
  inv: Invocation,
  options: { databaseUrl?: string; adminEmail?: string; secretsFromEnv?: string },
) {
  const layout = inv.layout;
  const scaffold = await scaffoldHome({
    layout,
    databaseUrl: options.databaseUrl,
    servicesPath: await defaultServicesPath(inv),
    now: inv.clock.now(),
  });
  if (options.databaseUrl && !scaffold.createdSecrets) {
    await setSecretsDatabaseUrl(layout.secretsFile, options.databaseUrl);
  }
  const ctx = await inv.context({ migrate: true });
  const admin = await ensureAdminUser(ctx, options.adminEmail ?? DEFAULT_ADMIN_EMAIL);
  const token = await refreshAdminToken(ctx, admin.user);
  const stored = await storeSecretsFromEnv(ctx, inv.env, options.secretsFromEnv);
  const db = ctx.config.database;
  return {
    home: layout.home,
    profile: layout.profileName,
    database: db.kind === "embedded"
      ? `embedded (PGlite) at ${db.dataDir}`
      : `postgres ${redactUrl(db.url.reveal())}`,
    admin_email: admin.user.email,
    admin_created: admin.created,
    admin_token_file: token.path,
    vault_secrets_stored: stored,
    created: {
      profile: scaffold.createdProfile,
      secrets: scaffold.createdSecrets,
      signing_key: scaffold.createdSigningKey,
    },
  };
}

/**
 * `--secrets-from-env anthropic=ANTHROPIC_API_KEY,openai=OPENAI_API_KEY`: organisation secrets
 * taken from environment variables (never from the command line, where `ps` would show them).
 */
async function storeSecretsFromEnv(
  ctx: AppContext,
  env: Readonly<Record<string, string>>,
  spec: string | undefined,
): Promise<string[]> {
  if (!spec) return [];
  const pairs = spec.split(",").map((p) => p.trim()).filter((p) => p !== "").map((p) => p.split("="));
  const stored: string[] = [];
  for (const [name, variable] of pairs) {
    const secretName = parseSecretName(name ?? "");
    if (!secretName || !variable) {
      throw new AppError("cli.usage", "--secrets-from-env takes NAME=ENV_VAR[,NAME=ENV_VAR…]");
    }
    const value = env[variable];
    if (!value) {
      throw new AppError("cli.usage", `environment variable ${variable} is not set (for secret ${name})`);
    }
    await setSecret({ db: ctx.db, vault: ctx.vault, clock: ctx.clock }, {
      owner: "org",
      name: secretName,
      value: new Secret(value),
      actor: { kind: "cli" },
    });
    stored.push(secretName);
  }
  return stored;
}

/** `./services` of a checkout when there is one, else `services` inside the home. */
async function defaultServicesPath(inv: Invocation): Promise<string> {
  const candidate = `${inv.cwd}/services`;
  try {
    if ((await Deno.stat(candidate)).isDirectory) return relative(inv.layout.home, candidate) || ".";
  } catch {
    // No services folder next to the home: the profile points inside the home.
  }
  return "services";
}

export const adminSetup = command({
  name: "setup",
  summary: "Create the profile, secrets, signing key, database and admin account (idempotent)",
  forwardable: true,
  flags: [
    { name: "non-interactive", type: "boolean", summary: "never prompt (setup asks nothing anyway)" },
    {
      name: "database-url",
      type: "string",
      value: "URL",
      summary: "use a PostgreSQL server instead of the embedded database",
    },
    {
      name: "admin-email",
      type: "string",
      value: "E",
      summary: `admin account email (default ${DEFAULT_ADMIN_EMAIL})`,
    },
    {
      name: "secrets-from-env",
      type: "string",
      value: "NAME=VAR,…",
      summary: "store organisation vault secrets (e.g. provider API keys) from environment variables",
    },
  ],
  run: async (inv) => {
    const url = inv.flags["database-url"];
    const email = inv.flags["admin-email"];
    const fromEnv = inv.flags["secrets-from-env"];
    const value = await setupAppliance(inv, {
      ...(typeof fromEnv === "string" ? { secretsFromEnv: fromEnv } : {}),
      ...(typeof url === "string" ? { databaseUrl: url } : {}),
      ...(typeof email === "string" ? { adminEmail: email } : {}),
    });
    return { kind: "object", value };
  },
});
