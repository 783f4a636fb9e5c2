/**
 * The one gate behind `deno task check`: fmt check, lint, one type-check of every .ts file
 * (main.ts, src/, scripts/, tests/ except tests/bench/results/), then each scripts/check_*.ts.
 * Every step runs even after a failure, so one run shows everything that is wrong.
 *
 * Usage: deno run -A scripts/check.ts
 */
import { resolve } from "node:path";
import { listFiles } from "./list_files.ts";

export type Step = { readonly name: string; readonly args: readonly string[] };

const TYPE_CHECKED_DIRS = ["src", "scripts", "tests"] as const;
const EXCLUDED_DIRS = ["tests/bench/results/"] as const;

export function isTypeChecked(path: string): boolean {
  return path.endsWith(".ts") && !EXCLUDED_DIRS.some((dir) => path.startsWith(dir));
}

/** `scripts/check_*.ts` gates, excluding this runner and unit tests. */
export function isCheckScript(name: string): boolean {
  return /^check_\w+\.ts$/.test(name) && !name.endsWith("_test.ts");
}

export function planSteps(typeChecked: readonly string[], checkScripts: readonly string[]): Step[] {
  return [
    { name: "deno fmt --check", args: ["fmt", "--check"] },
    { name: "deno lint", args: ["lint"] },
    { name: `deno check (${typeChecked.length} files)`, args: ["check", ...typeChecked] },
    ...checkScripts.map((script) => ({ name: script, args: ["run", "-A", script] })),
  ];
}

async function listTypeChecked(root: string): Promise<string[]> {
  const nested = await Promise.all(TYPE_CHECKED_DIRS.map((dir) => listFiles(root, dir)));
  const hasMain = await Deno.stat(`${root}/main.ts`).then(() => true, () => false);
  return [...(hasMain ? ["main.ts"] : []), ...nested.flat().filter(isTypeChecked).sort()];
}

async function listCheckScripts(root: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${root}/scripts`)) {
    if (entry.isFile && isCheckScript(entry.name)) names.push(`scripts/${entry.name}`);
  }
  return names.sort();
}

async function runStep(root: string, step: Step): Promise<boolean> {
  const started = performance.now();
  let success = false;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [...step.args],
      cwd: root,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    success = (await child.status).success;
  } catch (error) {
    console.error(`check: could not start ${step.name}: ${String(error)}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`check: ${success ? "ok  " : "FAIL"} ${step.name} (${seconds}s)`);
  return success;
}

async function main(root: string): Promise<number> {
  const steps = planSteps(await listTypeChecked(root), await listCheckScripts(root));
  const failed: string[] = [];
  for (const step of steps) {
    if (!(await runStep(root, step))) failed.push(step.name);
  }
  if (failed.length > 0) {
    console.log(`check: ${failed.length} of ${steps.length} steps failed: ${failed.join(", ")}`);
    return 1;
  }
  console.log(`check: all ${steps.length} steps passed`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(resolve(`${import.meta.dirname ?? "."}/..`)));
}
