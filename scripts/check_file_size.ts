/**
 * File-size gate: every .ts file in src/, scripts/, tests/ and main.ts has at most 300 lines.
 * Exempt: tests/bench/results/ and generated files (first line contains `@generated`).
 *
 * Usage: deno run -A scripts/check_file_size.ts [root]
 */
import { resolve } from "node:path";
import { listFiles } from "./list_files.ts";

export const MAX_LINES = 300;
const SCANNED_DIRS = ["src", "scripts", "tests"] as const;
const EXCLUDED_DIRS = ["tests/bench/results/"] as const;

/** Counts lines the way an editor shows them: a trailing newline does not start a new line. */
export function countLines(text: string): number {
  if (text === "") return 0;
  const lines = text.split("\n").length;
  return text.endsWith("\n") ? lines - 1 : lines;
}

export function isGenerated(text: string): boolean {
  return (text.split("\n", 1)[0] ?? "").includes("@generated");
}

export function isScanned(path: string): boolean {
  return path.endsWith(".ts") && !EXCLUDED_DIRS.some((dir) => path.startsWith(dir));
}

/** Returns the violation for one file, or undefined when the file is within the limit or exempt. */
export function findOversize(path: string, text: string): string | undefined {
  if (isGenerated(text)) return undefined;
  const lines = countLines(text);
  return lines > MAX_LINES ? `${path}: ${lines} lines (max ${MAX_LINES})` : undefined;
}

async function listScannedFiles(root: string): Promise<string[]> {
  const nested = await Promise.all(SCANNED_DIRS.map((dir) => listFiles(root, dir)));
  const hasMain = await Deno.stat(`${root}/main.ts`).then(() => true, () => false);
  return [...(hasMain ? ["main.ts"] : []), ...nested.flat()].filter(isScanned).sort();
}

async function main(root: string): Promise<number> {
  const files = await listScannedFiles(root);
  const violations: string[] = [];
  for (const path of files) {
    const violation = findOversize(path, await Deno.readTextFile(`${root}/${path}`));
    if (violation !== undefined) violations.push(violation);
  }
  violations.forEach((violation) => console.error(violation));
  if (violations.length > 0) {
    console.error(`check_file_size: ${violations.length} file(s) over ${MAX_LINES} lines`);
    return 1;
  }
  console.log(`check_file_size: ok (${files.length} files)`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(resolve(Deno.args[0] ?? `${import.meta.dirname ?? "."}/..`)));
}
