import { join } from "node:path";
import { z } from "zod";
import type { ProblemList } from "./config_error.ts";
import { validate } from "./zod_problems.ts";

/**
 * `services/mcp/*.yaml`: one MCP server per file (ARCHITECTURE §2, §10). Server names appear in
 * audited tool names (`mcp__<server>__<tool>`), so they may not contain `__`. `env` values are a
 * literal or a whole-value `secret:<name>`; header values may also embed `${secret:<name>}`.
 */
export const BUILTIN_MCP_SERVERS = ["systemprompt", "demo"] as const;

const SERVER_NAME = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const SECRET_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";
const WHOLE_SECRET_REF = new RegExp(`^secret:(${SECRET_NAME})$`);

const envValue = z.string().refine(
  (v) => !v.startsWith("secret:") || WHOLE_SECRET_REF.test(v),
  "expected a literal or secret:<name>",
).refine((v) => !v.includes("${secret:"), "env values are a literal or a whole-value secret:<name>");
const headerValue = z.string().refine(
  (v) => !v.startsWith("secret:") || WHOLE_SECRET_REF.test(v),
  "expected a literal, secret:<name> or text with ${secret:<name>}",
);

const serverSchema = z.strictObject({
  name: z.string().regex(SERVER_NAME, "lowercase letters and digits, single - or _ between them"),
  description: z.string().default(""),
  kind: z.enum(["builtin", "stdio", "http"]),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  cwd: z.string().min(1).optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), envValue)
    .default({}),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "an HTTP header name"), headerValue).default({}),
  enabled: z.boolean().default(true),
  oauth: z.strictObject({
    required: z.boolean().default(false),
    // RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`.
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, "an OAuth scope token")).default([]),
    audience: z.string().min(1).optional(),
  }).prefault({}),
  tools: z.record(
    z.string().min(1),
    z.strictObject({ admin_only: z.boolean().default(false), disabled: z.boolean().default(false) }),
  ).default({}),
  timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
  /** stdio: a per-owner child (env resolved to a user's or department's secret) stops after this idle time. */
  idle_timeout_ms: z.number().int().min(100).max(86_400_000).default(600_000),
}).superRefine((s, ctx) => {
  const misplaced = (key: string, why: string) => ctx.addIssue({ code: "custom", path: [key], message: why });
  if (s.kind === "stdio" && s.command === undefined) misplaced("command", "required for kind stdio");
  if (s.kind === "http" && s.url === undefined) misplaced("url", "required for kind http");
  if (s.kind !== "stdio") {
    for (const key of ["command", "cwd"] as const) {
      if (s[key] !== undefined) misplaced(key, `only for kind stdio`);
    }
    if (s.args.length > 0) misplaced("args", "only for kind stdio");
    if (Object.keys(s.env).length > 0) misplaced("env", "only for kind stdio");
  }
  if (s.kind !== "http") {
    if (s.url !== undefined) misplaced("url", "only for kind http");
    if (Object.keys(s.headers).length > 0) misplaced("headers", "only for kind http");
  }
  if (s.kind === "builtin" && !(BUILTIN_MCP_SERVERS as readonly string[]).includes(s.name)) {
    misplaced("name", `no builtin server of that name (builtins: ${BUILTIN_MCP_SERVERS.join(", ")})`);
  }
});

export type McpServerConfig = z.infer<typeof serverSchema> & {
  /** The file it came from, relative to the services folder (`mcp/demo.yaml`). */
  readonly file: string;
};

/** Validates every `mcp/*.yaml` document; names must be unique across files. Sorted by name. */
export function loadMcpServers(
  dir: string,
  documents: ReadonlyMap<string, unknown>,
  problems: ProblemList,
): McpServerConfig[] {
  const servers: McpServerConfig[] = [];
  const seen = new Map<string, string>();
  const files = [...documents.keys()].filter((key) => key.startsWith("mcp/")).sort();
  for (const file of files) {
    const doc = documents.get(file);
    if (doc === undefined) continue;
    const parsed = validate(serverSchema, doc, join(dir, file), problems);
    if (!parsed) continue;
    const first = seen.get(parsed.name);
    if (first !== undefined) {
      problems.add(join(dir, file), "name", `server ${parsed.name} is already defined in ${first}`);
      continue;
    }
    seen.set(parsed.name, file);
    servers.push({ ...parsed, file });
  }
  return servers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
