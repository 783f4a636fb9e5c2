import type { AuditResult } from "./audit_run.ts";
import type { PipelineResult } from "./pipeline_run.ts";
import type { ModeOf, ScannerSuiteResult } from "./suite_inproc.ts";
import type { HookResult } from "./suite_hook.ts";
import type { LlmResult } from "./suite_llm.ts";
import type { McpResult } from "./suite_mcp.ts";

/** What one bench run wrote (results/*.json); RESULTS.md is rendered from these files. */
export interface RunInfo {
  readonly machine: {
    readonly nproc: number;
    readonly memoryMiB: number;
    readonly cpuModel: string;
    readonly kernel: string;
    readonly deno: string;
    readonly v8: string;
    readonly typescript: string;
    readonly postgres: string;
  };
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly command: string;
  readonly quick: boolean;
  readonly suites: readonly string[];
  readonly quietWaitedMs: number;
  /** When and by which command each suite's results file was last written (merged across runs). */
  readonly measured: Readonly<Record<string, { readonly at: string; readonly command: string }>>;
  readonly settings: {
    readonly warmupMs: number;
    readonly measureMs: number;
    readonly headlinePasses: number;
  };
}

export interface AllResults {
  readonly run?: RunInfo;
  readonly hook?: HookResult;
  readonly pipeline?: readonly ModeOf<PipelineResult>[];
  readonly audit?: readonly ModeOf<AuditResult>[];
  readonly scanner?: ScannerSuiteResult;
  readonly mcp?: McpResult;
  readonly llm?: LlmResult;
}

export const RESULT_FILES = ["run", "hook", "pipeline", "audit", "scanner", "mcp", "llm"] as const;

export async function readResults(dir: string): Promise<AllResults> {
  const out: Record<string, unknown> = {};
  for (const name of RESULT_FILES) {
    try {
      out[name] = JSON.parse(await Deno.readTextFile(`${dir}/${name}.json`));
    } catch { /* not measured yet */ }
  }
  return out as AllResults;
}
