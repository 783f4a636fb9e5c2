import { stringify as toYaml } from "yaml";
import type { CliResult, OutputFormat } from "./command.ts";

/** Renders a command result: `--json` lists are `{"columns":[…],"items":[…]}`, objects are objects. */
export function renderResult(result: CliResult, format: OutputFormat): string {
  if (result.kind === "none") return "";
  if (format === "json") return `${JSON.stringify(toPlain(result), jsonReplacer)}\n`;
  if (format === "yaml") return toYaml(JSON.parse(JSON.stringify(toPlain(result), jsonReplacer)));
  switch (result.kind) {
    case "text":
      return result.text.endsWith("\n") ? result.text : `${result.text}\n`;
    case "object":
      return renderObject(result.value);
    case "list":
      return renderTable(result.columns, result.items);
    default: {
      const never: never = result;
      return never;
    }
  }
}

function toPlain(result: Exclude<CliResult, { kind: "none" }>): unknown {
  switch (result.kind) {
    case "text":
      return { text: result.text };
    case "object":
      return result.value;
    case "list":
      return { columns: result.columns, items: result.items };
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) {
    return `\\x${Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  return value;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, jsonReplacer);
  return String(value);
}

function renderTable(columns: readonly string[], items: readonly Record<string, unknown>[]): string {
  const rows = items.map((item) => columns.map((c) => cell(item[c]).replace(/\s+/g, " ")));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: readonly string[]) =>
    cells.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [line(columns.map((c) => c.toUpperCase())), ...rows.map(line)];
  if (items.length === 0) out.push("(no rows)");
  return `${out.join("\n")}\n`;
}

function renderObject(value: Readonly<Record<string, unknown>>): string {
  return toYaml(JSON.parse(JSON.stringify(value, jsonReplacer)));
}
