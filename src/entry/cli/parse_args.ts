import { AppError } from "@shared/errors.ts";
import type { CliNode, Command, GlobalFlags, OutputFormat } from "./command.ts";

export interface ParsedGlobal {
  readonly global: GlobalFlags;
  readonly rest: readonly string[];
}

/** Global flags may stand anywhere; everything else is left in order for the command tree. */
export function parseGlobalFlags(argv: readonly string[]): ParsedGlobal {
  const rest: string[] = [];
  let profile: string | undefined;
  let format: OutputFormat = "text";
  let verbosity: GlobalFlags["verbosity"] = "normal";
  let help = false;
  let version = false;
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--profile") {
      profile = args[++i];
      if (!profile) throw new AppError("cli.usage", "--profile needs a value");
    } else if (arg.startsWith("--profile=")) profile = arg.slice("--profile=".length);
    else if (arg === "--json") format = "json";
    else if (arg === "--yaml") format = "yaml";
    else if (arg === "-v" || arg === "--verbose") verbosity = "verbose";
    else if (arg === "-q" || arg === "--quiet") verbosity = "quiet";
    else if (arg === "-h" || arg === "--help") help = true;
    else if (arg === "--version" || arg === "-V") version = true;
    else rest.push(arg);
  }
  return { global: { profile, format, verbosity, help, version }, rest };
}

export interface Resolved {
  readonly path: readonly string[];
  readonly node: CliNode;
  readonly rest: readonly string[];
}

/** Walks the tree as far as the words name groups and commands. */
export function resolveCommand(root: CliNode, words: readonly string[]): Resolved {
  let node = root;
  const path: string[] = [];
  let i = 0;
  while (node.kind === "group" && i < words.length) {
    const next = node.children.find((c) => c.name === words[i]);
    if (!next) break;
    node = next;
    path.push(words[i]!);
    i++;
  }
  return { path, node, rest: words.slice(i) };
}

export interface CommandArgs {
  readonly flags: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

export function parseCommandArgs(cmd: Command, words: readonly string[]): CommandArgs {
  const flags: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith("--") || word === "--") {
      positionals.push(word);
      continue;
    }
    const [name, inline] = splitFlag(word.slice(2));
    const spec = cmd.flags?.find((f) => f.name === name);
    if (!spec) throw new AppError("cli.usage", `unknown flag --${name} for ${cmd.name}`);
    if (spec.type === "boolean") {
      flags[name] = inline === undefined ? true : inline !== "false";
    } else {
      const value = inline ?? words[++i];
      if (value === undefined) throw new AppError("cli.usage", `--${name} needs a value`);
      flags[name] = value;
    }
  }
  for (const spec of cmd.flags ?? []) {
    if (spec.required && flags[spec.name] === undefined) {
      throw new AppError("cli.usage", `--${spec.name} is required`);
    }
  }
  const specs = cmd.positionals ?? [];
  const missing = specs.filter((p, i) => p.required && positionals[i] === undefined);
  if (missing.length > 0) throw new AppError("cli.usage", `missing argument <${missing[0]!.name}>`);
  if (positionals.length > specs.length) {
    throw new AppError("cli.usage", `unexpected argument ${JSON.stringify(positionals[specs.length])}`);
  }
  return { flags, positionals };
}

function splitFlag(text: string): [string, string | undefined] {
  const eq = text.indexOf("=");
  return eq === -1 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}
