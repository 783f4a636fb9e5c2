import { join, relative } from "node:path";
import { z } from "zod";
import type { ProblemList } from "./config_error.ts";
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

const governanceSchema = z.strictObject({
  enabled: z.boolean().default(true),
  chain: z.array(z.enum(STAGE_IDS)).default([...STAGE_IDS]),
  stages: z.partialRecord(z.enum(STAGE_IDS), z.record(z.string(), z.unknown())).default({}),
});

export type GovernanceConfig = z.infer<typeof governanceSchema>;

export interface Services {
  readonly dir: string;
  readonly present: boolean;
  readonly governance: GovernanceConfig;
  /** Every parsed YAML document, keyed by `kind/file.yaml`. */
  readonly documents: ReadonlyMap<string, unknown>;
}

export async function loadServices(dir: string, required: boolean, problems: ProblemList): Promise<Services> {
  const documents = new Map<string, unknown>();
  const present = await isDirectory(dir);
  if (!present) {
    if (required) problems.add(dir, "", "services directory does not exist");
    return { dir, present, governance: governanceSchema.parse({}), documents };
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
  const governanceFile = join(dir, "governance", "config.yaml");
  const governanceDoc = documents.get("governance/config.yaml") ?? {};
  const governance = validate(governanceSchema, governanceDoc, governanceFile, problems) ??
    governanceSchema.parse({});
  return { dir, present, governance, documents };
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
