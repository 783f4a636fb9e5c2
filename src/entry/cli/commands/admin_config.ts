import { redactUrl } from "@infra/db/connect.ts";
import type { Config } from "@infra/config/config.ts";
import { command, type Group, group } from "../command.ts";

const REDACTED = "[REDACTED]";

/** The effective configuration with every secret masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  const db = config.database;
  return {
    profile: config.layout.profileName,
    home: config.layout.home,
    profile_file: config.layout.profileFile,
    settings: config.profile,
    database: db.kind === "embedded"
      ? { kind: "embedded", data_dir: db.dataDir }
      : { kind: "server", url: redactUrl(db.url.reveal()), source: db.source, pool: db.pool },
    secrets: {
      master_key: `${REDACTED} (from ${config.secrets.masterKeySource})`,
      token_pepper: REDACTED,
    },
    signing_keys: config.signingKeys.map((k) => k.kid),
    services: {
      dir: config.services.dir,
      present: config.services.present,
      files: [...config.services.documents.keys()].sort(),
    },
  };
}

const show = command({
  name: "show",
  summary: "Print the effective configuration (secrets masked)",
  run: async (inv) => ({ kind: "object", value: describeConfig(await inv.config()) }),
});

const validateCmd = command({
  name: "validate",
  summary: "Validate profile, secrets and services; list every problem with file and key",
  run: async (inv) => {
    const config = await inv.config();
    return {
      kind: "object",
      value: {
        valid: true,
        profile: config.layout.profileFile,
        services_dir: config.services.dir,
        services_files: config.services.documents.size,
      },
    };
  },
});

export const adminConfig: Group = group("config", "Inspect and validate the configuration", [
  show,
  validateCmd,
]);
