import { join } from "node:path";
import { Secret } from "@shared/secret.ts";
import { importSigningKey, type SigningKey } from "../crypto/signing_key.ts";
import type { Config, DatabaseConfig, MasterKeySource, SecretsConfig } from "./config.ts";
import { ProblemList } from "./config_error.ts";
import { type HomeLayout, resolveFromHome } from "./home.ts";
import { interpolate } from "./interpolate.ts";
import {
  durationSeconds,
  isBase64Key,
  type ProfileFile,
  profileSchema,
  type SecretsFile,
  secretsSchema,
} from "./profile_schema.ts";
import { loadServices } from "./services.ts";
import { parseYaml, readTextIfExists } from "./yaml_file.ts";
import { validate } from "./zod_problems.ts";

export interface LoadInput {
  readonly layout: HomeLayout;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Bootstrap, in order: Profile → Secrets → Credentials → Config. Problems of the profile,
 * secrets and services are collected and raised together, each naming its file and key.
 */
export async function loadConfig(input: LoadInput): Promise<Config> {
  const { layout, env } = input;
  const problems = new ProblemList();
  const profile = await loadProfile(layout, env, problems);
  const secretsFile = await loadSecretsFile(layout.secretsFile, problems);
  problems.throwIfAny();
  const p = profile!;
  const secrets = await resolveSecrets(secretsFile!, env);
  if (!isBase64Key(secrets.masterKey.reveal())) {
    problems.add(
      secrets.masterKeySource === "secrets.json" ? layout.secretsFile : "environment",
      secrets.masterKeySource,
      "must be 32 random bytes, base64-encoded",
    );
  }
  const servicesPath = env["SYSTEMPROMPT_SERVICES"] || resolveFromHome(layout.home, p.paths.services);
  const services = await loadServices(servicesPath, Boolean(env["SYSTEMPROMPT_SERVICES"]), problems);
  problems.throwIfAny();
  const signingKeys = await loadSigningKeys(layout);
  const data = resolveFromHome(layout.home, p.paths.data);
  const port = env["SYSTEMPROMPT_PORT"] ? Number(env["SYSTEMPROMPT_PORT"]) : p.server.port;
  const host = env["SYSTEMPROMPT_HOST"] || p.server.host;
  return Object.freeze({
    layout,
    profile: p,
    server: {
      host,
      port,
      externalUrl: p.server.external_url ?? `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      corsAllowedOrigins: p.server.cors_allowed_origins,
      trustedProxies: p.server.trusted_proxies,
      bodyLimitBytes: p.server.body_limit_bytes,
      egressProxy: ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"].some((name) => Boolean(env[name])),
    },
    database: chooseDatabase(p, secretsFile!, env, data),
    paths: { services: servicesPath, data, logs: resolveFromHome(layout.home, p.paths.logs) },
    security: {
      jwtIssuer: p.security.jwt_issuer,
      accessTokenTtlSeconds: durationSeconds(p.security.access_token_ttl),
      refreshTokenTtlSeconds: durationSeconds(p.security.refresh_token_ttl),
      audiences: p.security.audiences,
      allowRegistration: p.security.allow_registration,
    },
    logLevel: parseLogLevel(env["SYSTEMPROMPT_LOG_LEVEL"]) ?? p.runtime.log_level,
    secrets,
    signingKeys,
    services,
  });
}

async function loadProfile(layout: HomeLayout, env: Readonly<Record<string, string>>, problems: ProblemList) {
  const file = layout.profileFile;
  const text = await readTextIfExists(file);
  if (text === undefined) {
    problems.add(file, "", `profile "${layout.profileName}" not found (run \`systemprompt admin setup\`)`);
    return undefined;
  }
  const raw = parseYaml(text, file, problems);
  if (raw === undefined) return undefined;
  const expanded = interpolate(raw, env, { file, problems });
  const profile: ProfileFile | undefined = validate(profileSchema, expanded, file, problems);
  if (env["SYSTEMPROMPT_PORT"] && !/^\d{1,5}$/.test(env["SYSTEMPROMPT_PORT"])) {
    problems.add("environment", "SYSTEMPROMPT_PORT", "must be a port number");
  }
  return profile;
}

async function loadSecretsFile(file: string, problems: ProblemList): Promise<SecretsFile | undefined> {
  const text = await readTextIfExists(file);
  if (text === undefined) {
    problems.add(file, "", "secrets file not found (run `systemprompt admin setup`)");
    return undefined;
  }
  const mode = (await Deno.stat(file)).mode;
  if (mode !== null && (mode & 0o077) !== 0) {
    problems.add(
      file,
      "",
      `must be readable by its owner only (mode is ${(mode & 0o777).toString(8)}; chmod 600)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    problems.add(file, "", `not valid JSON (${(error as Error).message})`);
    return undefined;
  }
  return validate(secretsSchema, raw, file, problems);
}

async function resolveSecrets(
  file: SecretsFile,
  env: Readonly<Record<string, string>>,
): Promise<SecretsConfig> {
  const credentialsDir = env["CREDENTIALS_DIRECTORY"];
  const fromSystemd = credentialsDir ? await readTextIfExists(join(credentialsDir, "master_key")) : undefined;
  const [value, source]: [string, MasterKeySource] = fromSystemd
    ? [fromSystemd.trim(), "systemd-credential"]
    : env["SYSTEMPROMPT_MASTER_KEY"]
    ? [env["SYSTEMPROMPT_MASTER_KEY"], "SYSTEMPROMPT_MASTER_KEY"]
    : [file.master_key, "secrets.json"];
  return {
    masterKey: new Secret(value),
    masterKeySource: source,
    tokenPepper: new Secret(file.token_pepper),
  };
}

function chooseDatabase(
  profile: ProfileFile,
  secrets: SecretsFile,
  env: Readonly<Record<string, string>>,
  dataDir: string,
): DatabaseConfig {
  const server = {
    pool: profile.database.pool,
    connectTimeoutSeconds: durationSeconds(profile.database.connect_timeout),
  };
  if (env["DATABASE_URL"]) {
    return { kind: "server", url: new Secret(env["DATABASE_URL"]), source: "DATABASE_URL", ...server };
  }
  const fromSecrets = secrets[profile.database.url_secret];
  if (typeof fromSecrets === "string" && fromSecrets !== "") {
    return { kind: "server", url: new Secret(fromSecrets), source: "secrets.json", ...server };
  }
  return { kind: "embedded", dataDir: join(dataDir, "pgdata") };
}

export async function loadSigningKeys(layout: HomeLayout): Promise<SigningKey[]> {
  const dir = join(layout.credentialsDir, "jwt");
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.name.endsWith(".pem")) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  names.sort().reverse();
  return await Promise.all(names.map(async (n) => importSigningKey(await Deno.readTextFile(join(dir, n)))));
}

function parseLogLevel(value: string | undefined) {
  return value === "debug" || value === "info" || value === "warn" || value === "error" ? value : undefined;
}
