import { join, relative } from "node:path";
import { z } from "zod";
import type { ProblemList } from "./config_error.ts";
import { loadMcpServers, type McpServerConfig } from "./mcp_schema.ts";
import {
  emptyGatewayPolicies,
  type GatewayPolicies,
  loadGatewayPolicies,
} from "./gateway_policies_schema.ts";
import { secretScanSettings } from "./secret_scan_schema.ts";
import { parseYaml } from "./yaml_file.ts";
import { validate } from "./zod_problems.ts";

/**
 * `services/`: declarative config as code. Each kind is a folder; every YAML file must parse, and
 * kinds with a schema here are validated (the features that own the other kinds add theirs).
 * Files are kept by their path relative to the services folder.
 */
export const SERVICE_KINDS = [
  "agents",
  "mcp",
  "skills",
  "ai",
  "governance",
  "access-control",
  "gateway",
  "scheduler",
  "web",
] as const;

export const STAGE_IDS = [
  "secret_scan",
  "scope_check",
  "tool_blocklist",
  "rbac",
  "tool_pinning",
  "budget",
  "rate_limit",
] as const;

const enabled = { enabled: z.boolean().default(true) };
const stageSettings = z.strictObject({
  secret_scan: secretScanSettings,
  scope_check: z.strictObject({
    ...enabled,
    admin_only_prefixes: z.array(z.string().min(1)).default(["mcp__systemprompt__"]),
  }).prefault({}),
  tool_blocklist: z.strictObject({
    ...enabled,
    words: z.array(z.string().min(1)).default(["delete", "drop", "destroy"]),
  }).prefault({}),
  rbac: z.strictObject({ ...enabled }).prefault({}),
  tool_pinning: z.strictObject({ ...enabled }).prefault({}),
  budget: z.strictObject({ ...enabled }).prefault({}),
  rate_limit: z.strictObject({
    ...enabled,
    calls: z.number().int().positive().default(300),
    window_seconds: z.number().int().positive().max(86_400).default(60),
  }).prefault({}),
}).prefault({});

const governanceSchema = z.strictObject({
  enabled: z.boolean().default(true),
  chain: z.array(z.enum(STAGE_IDS)).default([...STAGE_IDS]).refine(
    (chain) => new Set(chain).size === chain.length,
    "a stage may appear only once",
  ),
  stages: stageSettings,
});

export type GovernanceConfig = z.infer<typeof governanceSchema>;

const names = z.array(z.string().min(1)).default([]);
const accessControlSchema = z.strictObject({
  rules: z.array(z.strictObject({
    entity: z.string().regex(
      /^(mcp_server|mcp_tool|agent|gateway_route|skill|hook_tool):.+$/,
      "expected <type>:<name>",
    ),
    effect: z.enum(["allow", "deny"]),
    users: names,
    roles: names,
    departments: names,
  })).default([]),
});

export type AccessControlConfig = z.infer<typeof accessControlSchema>;

export interface Services {
  readonly dir: string;
  readonly present: boolean;
  readonly governance: GovernanceConfig;
  readonly accessControl: AccessControlConfig;
  /** `mcp/*.yaml`, validated, sorted by name. */
  readonly mcp: readonly McpServerConfig[];
  /** `gateway/policies.yaml`: LLM budgets, quotas and model exposure. */
  readonly gatewayPolicies: GatewayPolicies;
  /** Every parsed YAML document, keyed by `kind/file.yaml`. */
  readonly documents: ReadonlyMap<string, unknown>;
}

export async function loadServices(dir: string, required: boolean, problems: ProblemList): Promise<Services> {
  const documents = new Map<string, unknown>();
  const present = await isDirectory(dir);
  if (!present) {
    if (required) problems.add(dir, "", "services directory does not exist");
    return {
      dir,
      present,
      governance: governanceSchema.parse({}),
      accessControl: accessControlSchema.parse({}),
      mcp: [],
      gatewayPolicies: emptyGatewayPolicies(),
      documents,
    };
  }
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".")) continue;
    if (!(SERVICE_KINDS as readonly string[]).includes(entry.name)) {
      problems.add(
        join(dir, entry.name),
        "",
        `unknown services kind (expected one of ${SERVICE_KINDS.join(", ")})`,
      );
      continue;
    }
    await collectYaml(dir, join(dir, entry.name), documents, problems);
  }
  const governance = validate(
    governanceSchema,
    documents.get("governance/config.yaml") ?? {},
    join(dir, "governance", "config.yaml"),
    problems,
  ) ?? governanceSchema.parse({});
  const accessControl = validate(
    accessControlSchema,
    documents.get("access-control/roles.yaml") ?? {},
    join(dir, "access-control", "roles.yaml"),
    problems,
  ) ?? accessControlSchema.parse({});
  const mcp = loadMcpServers(dir, documents, problems);
  const gatewayPolicies = loadGatewayPolicies(dir, documents, problems);
  return { dir, present, governance, accessControl, mcp, gatewayPolicies, documents };
}

async function collectYaml(root: string, dir: string, into: Map<string, unknown>, problems: ProblemList) {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      await collectYaml(root, path, into, problems);
    } else if (/\.ya?ml$/.test(entry.name)) {
      const doc = parseYaml(await Deno.readTextFile(path), path, problems);
      if (doc !== undefined && (typeof doc !== "object" || doc === null || Array.isArray(doc))) {
        problems.add(path, "", "expected a mapping at the top level");
      }
      into.set(relative(root, path), doc);
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
