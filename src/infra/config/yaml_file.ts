import { LineCounter, parseDocument } from "yaml";
import type { ProblemList } from "./config_error.ts";

/** Parses YAML text; syntax errors become problems (with line numbers) rather than exceptions. */
export function parseYaml(text: string, file: string, problems: ProblemList): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line } = lines.linePos(error.pos[0]);
      problems.add(file, `line ${line}`, error.message.split("\n")[0] ?? "invalid YAML");
    }
    return undefined;
  }
  return doc.toJS() ?? {};
}

export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
