import type { z } from "zod";
import type { ProblemList } from "./config_error.ts";

/** Validates with zod and reports each issue as `file: key.path: message`. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  file: string,
  problems: ProblemList,
): z.infer<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.add(file, formatPath([...issue.path, key]), "unknown key");
    } else {
      problems.add(file, formatPath(issue.path), issue.message);
    }
  }
  return undefined;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
