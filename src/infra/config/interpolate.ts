import type { ProblemList } from "./config_error.ts";

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML value. An unset
 * variable without a default is a problem reported with its key path.
 */
export function interpolate(
  value: unknown,
  env: Readonly<Record<string, string>>,
  at: { file: string; problems: ProblemList },
  path = "",
): unknown {
  if (typeof value === "string") return interpolateString(value, env, at, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, at, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, at, path ? `${path}.${k}` : k)]),
    );
  }
  return value;
}

function interpolateString(
  text: string,
  env: Readonly<Record<string, string>>,
  at: { file: string; problems: ProblemList },
  path: string,
): string {
  return text.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    at.problems.add(at.file, path, `environment variable ${name} is not set and has no default`);
    return "";
  });
}
