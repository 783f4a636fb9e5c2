/**
 * Layer gate. Every import in src/ and main.ts points down the stack
 * shared ← infra ← domain/<name> ← app ← entry ← main.ts; a domain never imports another domain;
 * src/shared imports no package at all (npm:, jsr:, node:, bare); main.ts imports src/entry only.
 * Anyone may import from sql/ (query text is data). `*_test.ts` files are exempt.
 *
 * Imports are read with a small lexer (comments, strings, templates and regex literals are
 * understood) instead of `deno info --json`, so the gate needs no npm cache or network, sees files
 * that main.ts does not reach yet, and knows the line of each specifier.
 *
 * Usage: deno run -A scripts/check_layers.ts [root]
 */
import { resolve } from "node:path";
import { listFiles } from "./list_files.ts";

export type Layer =
  | { readonly kind: "shared" | "infra" | "app" | "entry" | "main" }
  | { readonly kind: "domain"; readonly domain: string };

export type Target =
  | { readonly kind: "local"; readonly path: string }
  | { readonly kind: "package"; readonly specifier: string };

export type Decision = { readonly kind: "allowed" } | { readonly kind: "denied"; readonly reason: string };

export type ImportMap = Readonly<Record<string, string>>;

export type Specifier = { readonly value: string; readonly line: number };

const LAYER_RANK = { shared: 0, infra: 1, domain: 2, app: 3, entry: 4, main: 5 } as const;
const FLAT_LAYERS = ["shared", "infra", "app", "entry"] as const;
const ALLOWED: Decision = { kind: "allowed" };
/** Stand-in root: resolution is pure path arithmetic, so the real location does not matter. */
const ROOT = "file:///project/";

/** Returns the layer a project-relative path belongs to, or undefined when it is in none. */
export function classifyPath(path: string): Layer | undefined {
  if (path === "main.ts") return { kind: "main" };
  const domain = /^src\/domain\/([^/]+)\/./.exec(path)?.[1];
  if (domain !== undefined) return { kind: "domain", domain };
  const flat = FLAT_LAYERS.find((name) => path.startsWith(`src/${name}/`));
  return flat === undefined ? undefined : { kind: flat };
}

export function layerLabel(layer: Layer): string {
  if (layer.kind === "domain") return `domain/${layer.domain}`;
  return layer.kind === "main" ? "main.ts" : layer.kind;
}

/** Decides whether a file in layer `from` may import `to`. */
export function decideImport(from: Layer, to: Target): Decision {
  if (to.kind === "package") {
    const forbidden = from.kind === "shared" || from.kind === "main";
    return forbidden ? { kind: "denied", reason: "package" } : ALLOWED;
  }
  if (to.path.startsWith("sql/")) return ALLOWED;
  const target = classifyPath(to.path);
  if (target === undefined) return { kind: "denied", reason: "outside every layer" };
  const denied: Decision = { kind: "denied", reason: layerLabel(target) };
  if (from.kind === "main") return target.kind === "entry" ? ALLOWED : denied;
  if (LAYER_RANK[target.kind] > LAYER_RANK[from.kind]) return denied;
  const crossDomain = from.kind === "domain" && target.kind === "domain" && from.domain !== target.domain;
  return crossDomain ? denied : ALLOWED;
}

/** Applies the deno.json import map: an exact key first, then the longest matching "prefix/" key. */
export function applyImportMap(specifier: string, imports: ImportMap): string | undefined {
  const exact = imports[specifier];
  if (exact !== undefined) return exact;
  const prefixes = Object.keys(imports).filter((key) => key.endsWith("/") && specifier.startsWith(key));
  const longest = prefixes.sort((a, b) => b.length - a.length)[0];
  return longest === undefined ? undefined : `${imports[longest]}${specifier.slice(longest.length)}`;
}

/** Resolves a specifier written in `importer` (a project-relative path) to a local path or a package. */
export function resolveSpecifier(specifier: string, importer: string, imports: ImportMap): Target {
  const mapped = applyImportMap(specifier, imports);
  // Import-map values are relative to deno.json, which sits at the project root.
  return mapped === undefined ? toTarget(specifier, new URL(importer, ROOT).href) : toTarget(mapped, ROOT);
}

function toTarget(specifier: string, base: string): Target {
  if (specifier.startsWith("file:")) return { kind: "local", path: specifier };
  if (!/^\.{0,2}\//.test(specifier)) return { kind: "package", specifier };
  const url = new URL(specifier, base);
  const inside = url.href.startsWith(ROOT);
  return { kind: "local", path: decodeURIComponent(inside ? url.href.slice(ROOT.length) : url.pathname) };
}

type TokenKind = "skip" | "string" | "template" | "regex" | "word" | "punct";
type Token = { readonly kind: TokenKind; readonly text: string; readonly line: number };

const TOKEN_PATTERNS: ReadonlyArray<readonly [TokenKind, RegExp]> = [
  ["skip", /\s+|\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y],
  ["string", /"(?:\\[\s\S]|[^"\\\n])*"?|'(?:\\[\s\S]|[^'\\\n])*'?/y],
  ["template", /`(?:\\[\s\S]|[^`\\])*`?/y],
  ["regex", /\/(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n[])+\/[a-z]*/y],
  ["word", /[\w$]+/y],
  ["punct", /[\s\S]/y],
];
const REGEX_AFTER_WORDS = new Set(
  "return typeof case do else in of new delete void throw yield await instanceof".split(" "),
);

function canStartRegex(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.kind === "word") return REGEX_AFTER_WORDS.has(previous.text);
  return previous.kind === "punct" && previous.text !== ")" && previous.text !== "]";
}

function readToken(source: string, pos: number, line: number, previous: Token | undefined): Token {
  for (const [kind, pattern] of TOKEN_PATTERNS) {
    if (kind === "regex" && !canStartRegex(previous)) continue;
    pattern.lastIndex = pos;
    const text = pattern.exec(source)?.[0];
    if (text !== undefined && text !== "") return { kind, text, line };
  }
  return { kind: "punct", text: source.charAt(pos), line };
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  while (pos < source.length) {
    const token = readToken(source, pos, line, tokens.at(-1));
    pos += token.text.length;
    line += token.text.split("\n").length - 1;
    if (token.kind !== "skip") tokens.push(token);
  }
  return tokens;
}

function unquote(literal: string): string {
  const quote = literal.charAt(0);
  const body = literal.slice(1);
  return body.length > 0 && body.endsWith(quote) ? body.slice(0, -1) : body;
}

/** Finds `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")` specifiers. */
export function findImportSpecifiers(source: string): Specifier[] {
  const tokens = tokenize(source);
  const found: Specifier[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== "word" || (token.text !== "import" && token.text !== "from")) return;
    const previous = tokens[index - 1];
    if (previous?.kind === "punct" && previous.text === ".") return;
    const next = tokens[index + 1];
    const dynamic = token.text === "import" && next?.kind === "punct" && next.text === "(";
    const literal = dynamic ? tokens[index + 2] : next;
    if (literal?.kind === "string") found.push({ value: unquote(literal.text), line: literal.line });
  });
  return found;
}

/** Lists the layer violations of one file as `path:line: <layer> may not import <target>`. */
export function findViolations(path: string, source: string, imports: ImportMap): string[] {
  const layer = classifyPath(path);
  if (layer === undefined) {
    return [
      `${path}:1: file is outside every layer (src/shared, src/infra, src/domain/<name>, src/app, src/entry)`,
    ];
  }
  return findImportSpecifiers(source).flatMap((specifier) => {
    const decision = decideImport(layer, resolveSpecifier(specifier.value, path, imports));
    if (decision.kind === "allowed") return [];
    return [
      `${path}:${specifier.line}: ${
        layerLabel(layer)
      } may not import ${specifier.value} (${decision.reason})`,
    ];
  });
}

export function parseImportMap(denoJson: string): ImportMap {
  const config: unknown = JSON.parse(denoJson);
  if (typeof config !== "object" || config === null || !("imports" in config)) return {};
  const imports: unknown = config.imports;
  if (typeof imports !== "object" || imports === null) return {};
  return Object.fromEntries(Object.entries(imports).filter((entry) => typeof entry[1] === "string"));
}

async function listCheckedFiles(root: string): Promise<string[]> {
  const sources = await listFiles(root, "src");
  const hasMain = await Deno.stat(`${root}/main.ts`).then(() => true, () => false);
  const checked = sources.filter((path) => path.endsWith(".ts") && !path.endsWith("_test.ts"));
  return [...(hasMain ? ["main.ts"] : []), ...checked.sort()];
}

async function main(root: string): Promise<number> {
  const imports = parseImportMap(await Deno.readTextFile(`${root}/deno.json`));
  const files = await listCheckedFiles(root);
  const violations: string[] = [];
  for (const path of files) {
    violations.push(...findViolations(path, await Deno.readTextFile(`${root}/${path}`), imports));
  }
  violations.forEach((violation) => console.error(violation));
  if (violations.length > 0) {
    console.error(`check_layers: ${violations.length} violation(s) in ${files.length} files`);
    return 1;
  }
  console.log(`check_layers: ok (${files.length} files)`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(resolve(Deno.args[0] ?? `${import.meta.dirname ?? "."}/..`)));
}
