/**
 * Environment gate: `Deno.env` and `Deno.args` are read only at the edge (main.ts and src/entry/),
 * so every other layer receives configuration as plain values. scripts/ and tests/ are not checked.
 * Comment lines (`//`, `/*`, `*`) and trailing `// …` comments are ignored.
 *
 * Usage: deno run -A scripts/check_env_access.ts [root]
 */
import { resolve } from "node:path";
import { listFiles } from "./list_files.ts";

export type EnvAccess = { readonly line: number; readonly api: string };

const ACCESS_PATTERN = /\bDeno\s*(?:\?\.|\.)\s*(env|args)\b|\bDeno\s*\[\s*["'`](env|args)["'`]\s*\]/g;

/** True for files that must not touch the process environment. */
export function isChecked(path: string): boolean {
  return path.startsWith("src/") && !path.startsWith("src/entry/") && path.endsWith(".ts");
}

function stripComment(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith("//") || trimmed.startsWith("/*") || trimmed.startsWith("*")) return "";
  // `//` after whitespace starts a trailing comment; `https://` does not.
  const trailing = /(?:^|\s)\/\//.exec(line);
  return trailing === null ? line : line.slice(0, trailing.index);
}

/** Lists each use of `Deno.env` / `Deno.args` outside comments, with its 1-based line. */
export function findEnvAccess(source: string): EnvAccess[] {
  return source.split("\n").flatMap((line, index) =>
    [...stripComment(line).matchAll(ACCESS_PATTERN)].map((match) => ({
      line: index + 1,
      api: `Deno.${match[1] ?? match[2] ?? "env"}`,
    }))
  );
}

async function main(root: string): Promise<number> {
  const files = (await listFiles(root, "src")).filter(isChecked).sort();
  const violations: string[] = [];
  for (const path of files) {
    const accesses = findEnvAccess(await Deno.readTextFile(`${root}/${path}`));
    violations.push(
      ...accesses.map(({ line, api }) =>
        `${path}:${line}: ${api} may be used only in main.ts and src/entry/`
      ),
    );
  }
  violations.forEach((violation) => console.error(violation));
  if (violations.length > 0) {
    console.error(`check_env_access: ${violations.length} violation(s)`);
    return 1;
  }
  console.log(`check_env_access: ok (${files.length} files)`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(resolve(Deno.args[0] ?? `${import.meta.dirname ?? "."}/..`)));
}
