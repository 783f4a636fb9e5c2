import { z } from "zod";

/**
 * The profile file (`profiles/<name>/profile.yaml`). Every object is strict: an unknown key is a
 * problem, so a typo never silently falls back to a default. Sections owned by later features
 * (rate limits, event sinks) are validated by those features; here they are objects.
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

const providerName = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "lowercase letters, digits, ., - and _");
const timeoutMs = z.number().int().positive().max(3_600_000);
/** `exact`, `prefix*`, `*suffix` or `*` (ISSUE 7 contract). */
const modelPattern = z.string().min(1).regex(
  /^(\*|\*?[^*\s]+|[^*\s]+\*)$/,
  "expected exact, prefix*, *suffix or *",
);

const route = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "lowercase letters, digits, ., - and _").optional(),
  model_pattern: modelPattern,
  provider: providerName,
  upstream_model: z.string().min(1).optional(),
  fallbacks: z.array(z.strictObject({ provider: providerName, upstream_model: z.string().min(1).optional() }))
    .default([]),
  timeout_ms: timeoutMs.optional(),
});

const gateway = z.strictObject({
  enabled: z.boolean().default(true),
  routes: z.array(route).default([]),
  default_provider: providerName.optional(),
  timeout_ms: timeoutMs.default(120_000),
  retries: z.number().int().min(0).max(10).default(2),
  retry_backoff_ms: z.number().int().min(0).max(60_000).default(200),
}).prefault({});

const price = z.number().nonnegative().max(1_000_000);
const provider = z.strictObject({
  name: providerName,
  wire: z.enum(["anthropic", "openai-chat", "gemini"]).optional(),
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  api_key_secret: z.string().min(1).optional(),
  timeout_ms: timeoutMs.optional(),
  models: z.array(z.strictObject({
    id: z.string().min(1),
    display_name: z.string().min(1).optional(),
    max_output_tokens: z.number().int().positive().optional(),
    pricing: z.strictObject({
      input_per_million: price,
      output_per_million: price,
      cache_read_per_million: price.optional(),
      cache_write_per_million: price.optional(),
    }).optional(),
  })).optional(),
});

/** Profile `providers`: merged by name over the embedded catalog (a catalog name overrides its fields). */
export const providersSchema = z.array(provider).default([]).refine(
  (list) => new Set(list.map((p) => p.name)).size === list.length,
  "provider names must be unique",
);
/** Profile `gateway` (re-parsed by the LLM gateway from the validated profile). */
export const gatewayProfileSchema = gateway;
export type GatewayProfile = z.infer<typeof gateway>;
export type ProviderProfile = z.infer<typeof provider>;

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
  providers: providersSchema,
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
