import { copy } from "./fs_copy.ts";
import { createTestHome } from "../support/test_app.ts";
import { REPO_ROOT } from "../support/process.ts";

/**
 * A throwaway home for a bench server: scaffolded like `admin setup` (profile, secrets, signing
 * key), with its own copy of the repository's `services/` whose governance rate limit and gateway
 * budgets and quotas are raised so that every benchmark call is allowed (the stages still run:
 * counters are charged, budgets reserved and settled).
 */
export interface BenchHome extends AsyncDisposable {
  readonly home: string;
  readonly services: string;
}

export const BENCH_RATE_LIMIT_CALLS = 1_000_000_000;
export const BENCH_BUDGET_USD = 1_000_000;

/** `profileExtra`: YAML appended to the profile (the `llm` suite's `gateway:` and `providers:`). */
export async function createBenchHome(profileExtra = ""): Promise<BenchHome> {
  const home = await createTestHome("sp_bench_");
  if (profileExtra) {
    const profile = await Deno.readTextFile(home.layout.profileFile);
    await Deno.writeTextFile(home.layout.profileFile, `${profile}\n${profileExtra}\n`);
  }
  const services = `${home.home}/bench-services`;
  await copy(`${REPO_ROOT}/services`, services);
  const file = `${services}/governance/config.yaml`;
  const text = await Deno.readTextFile(file);
  const raised = text.replace(/(rate_limit:\s*\n\s*calls:\s*)\d+/, `$1${BENCH_RATE_LIMIT_CALLS}`);
  if (raised === text) throw new Error(`${file}: no stages.rate_limit.calls to raise`);
  await Deno.writeTextFile(file, raised);
  await raiseGatewayLimits(`${services}/gateway/policies.yaml`);
  return { home: home.home, services, [Symbol.asyncDispose]: () => home[Symbol.asyncDispose]() };
}

/** Budgets and quotas stay in force (their SQL runs) but high enough that no bench call is refused. */
async function raiseGatewayLimits(file: string): Promise<void> {
  const text = await Deno.readTextFile(file).catch(() => undefined);
  if (text === undefined) return;
  const raised = text.replace(/limit_usd: [\d.]+/g, `limit_usd: ${BENCH_BUDGET_USD}`)
    .replace(/max_requests: \d+/g, `max_requests: ${BENCH_RATE_LIMIT_CALLS}`);
  await Deno.writeTextFile(file, raised);
}
