import type { CliNode, Command, Group } from "./command.ts";

const GLOBAL_FLAGS = [
  ["--profile P", "use profile P (default: $SYSTEMPROMPT_PROFILE or local)"],
  ["--json | --yaml", "machine-readable output"],
  ["-v | -q", "more or fewer log lines on stderr"],
  ["-h, --help", "help for any command or group"],
  ["--version", "print version, commit and build date"],
] as const;

export function renderHelp(node: CliNode, path: readonly string[]): string {
  const name = ["systemprompt", ...path].join(" ");
  return node.kind === "group" ? groupHelp(node, name) : commandHelp(node, name);
}

function groupHelp(node: Group, name: string): string {
  const width = Math.max(...node.children.map((c) => c.name.length), 8);
  const lines = [
    node.summary,
    "",
    `Usage: ${name} <${node.children.length ? "command" : "…"}> [flags]`,
    "",
    node.children.length ? "Commands:" : "No commands yet.",
    ...node.children.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Global flags:",
    ...GLOBAL_FLAGS.map(([f, s]) => `  ${f.padEnd(16)}  ${s}`),
  ];
  return `${lines.join("\n")}\n`;
}

function commandHelp(cmd: Command, name: string): string {
  const positionals = (cmd.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`));
  const flags = cmd.flags ?? [];
  const lines = [
    cmd.summary,
    "",
    `Usage: ${[name, ...positionals, flags.length ? "[flags]" : ""].join(" ").trim()}`,
  ];
  if (cmd.positionals?.length) {
    lines.push("", "Arguments:", ...cmd.positionals.map((p) => `  ${p.name.padEnd(18)}  ${p.summary}`));
  }
  if (flags.length) {
    lines.push(
      "",
      "Flags:",
      ...flags.map((f) => {
        const left = f.type === "string" ? `--${f.name} ${f.value ?? "VALUE"}` : `--${f.name}`;
        return `  ${left.padEnd(18)}  ${f.summary}${f.required ? " (required)" : ""}`;
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}
