import { z } from "zod";

/**
 * The profile file (`profiles/<name>/profile.yaml`). Every object is strict: an unknown key is a
 * problem, so a typo never silently falls back to a default. Sections owned by later features
 * (providers, rate limits, event sinks) are validated by those features; here they are objects.
 */
const duration = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(s|m|h|d)$/, "expected e.g. 900s, 15m, 24h, 30d"),
]);

const server = z.strictObject({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  external_url: z.url().optional(),
  cors_allowed_origins: z.array(z.string()).default([]),
  trusted_proxies: z.array(z.string()).default([]),
  body_limit_bytes: z.number().int().positive().default(2 * 1024 * 1024),
}).prefault({});

const database = z.strictObject({
  url_secret: z.string().min(1).default("database_url"),
  embedded: z.boolean().default(true),
  pool: z.number().int().min(1).max(200).default(10),
  connect_timeout: duration.default("60s"),
}).prefault({});

const paths = z.strictObject({
  services: z.string().min(1).default("services"),
  data: z.string().min(1).default("data"),
  logs: z.string().min(1).default("logs"),
}).prefault({});

const security = z.strictObject({
  jwt_issuer: z.string().min(1).default("systemprompt"),
  access_token_ttl: duration.default("24h"),
  refresh_token_ttl: duration.default("30d"),
  audiences: z.array(z.string()).default(["web", "api", "mcp", "a2a"]),
  allow_registration: z.boolean().default(false),
}).prefault({});

const gateway = z.strictObject({
  enabled: z.boolean().default(true),
  routes: z.array(z.record(z.string(), z.unknown())).default([]),
  default_provider: z.string().optional(),
}).prefault({});

const events = z.strictObject({
  sinks: z.array(z.record(z.string(), z.unknown())).default([]),
}).prefault({});

const runtime = z.strictObject({
  log_level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  output_format: z.enum(["text", "json", "yaml"]).default("text"),
}).prefault({});

export const profileSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lowercase letters, digits, - and _"),
  server,
  database,
  paths,
  security,
  gateway,
  providers: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  rate_limits: z.record(z.string(), z.unknown()).default({}),
  events,
  runtime,
});

export type ProfileFile = z.infer<typeof profileSchema>;

export const secretsSchema = z.strictObject({
  database_url: z.string().nullable().default(null),
  master_key: z.string().refine(isBase64Key, "must be 32 random bytes, base64-encoded"),
  token_pepper: z.string().min(32, "must be at least 32 characters"),
}).catchall(z.string().nullable());

export type SecretsFile = z.infer<typeof secretsSchema>;

export function isBase64Key(value: string): boolean {
  try {
    return atob(value).length === 32;
  } catch {
    return false;
  }
}

/** `900`, `900s`, `15m`, `24h`, `30d` → seconds. */
export function durationSeconds(value: number | string): number {
  if (typeof value === "number") return value;
  const n = Number(value.slice(0, -1));
  const unit = value.at(-1);
  return n * (unit === "d" ? 86_400 : unit === "h" ? 3_600 : unit === "m" ? 60 : 1);
}
