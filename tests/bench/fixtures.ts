/**
 * Benchmark payloads: Claude Code PreToolUse hook bodies whose `tool_input` is ~1 KiB (a Bash
 * command with a description) or ~16 KiB (a Write of source code), clean of secrets so every call
 * is allowed and the whole chain runs. Bodies rotate over `sessions` session ids (each its own
 * rate-limit key, as parallel Claude Code sessions are).
 */
const WORDS = (
  "build test lint format check deploy staging module package source target release branch commit " +
  "review merge rebase fetch status report summary coverage bundle compile runtime service worker " +
  "handler request response payload schema config profile cluster replica index query migrate"
).split(" ");

/** Deterministic prose-like filler of exactly `length` characters. */
function filler(length: number, seed: number): string {
  let out = "";
  for (let i = seed; out.length < length; i++) out += `${WORDS[(i * 7 + seed) % WORDS.length]} `;
  return out.slice(0, length);
}

/** A Bash tool_input whose JSON encoding is `bytes` long (±0). */
export function bashInput(bytes: number, seed = 0): Record<string, string> {
  const command = "cd /home/dev/project && git status --short && deno task test tests/unit && " +
    "rg --line-number 'TODO|FIXME' src/ | head -n 50 && echo ";
  const base = { command, description: "" };
  const overhead = JSON.stringify(base).length;
  return { command, description: filler(Math.max(0, bytes - overhead), seed) };
}

/** A Write tool_input of about `bytes`: a TypeScript file built from plain code lines. */
export function writeInput(bytes: number, seed = 0): Record<string, string> {
  const lines: string[] = [];
  for (let i = 0; lines.join("\n").length < bytes - 120; i++) {
    const w = WORDS[(i + seed) % WORDS.length]!;
    lines.push(
      i % 5 === 0
        ? `export function ${w}Step${i}(input: readonly string[]): number {`
        : i % 5 === 4
        ? "}"
        : `  const ${w}${i} = input.filter((line) => line.includes("${w}")).length + ${i};`,
    );
  }
  return { file_path: `/home/dev/project/src/generated/steps_${seed}.ts`, content: lines.join("\n") };
}

export interface HookBodyOptions {
  readonly inputBytes: number;
  readonly sessions: number;
  readonly kind?: "bash" | "write";
}

/** `sessions` distinct hook bodies (one per session id), sent round-robin by the generator. */
export function hookBodies(options: HookBodyOptions): string[] {
  return Array.from({ length: options.sessions }, (_, i) =>
    JSON.stringify({
      hook_event_name: "PreToolUse",
      tool_name: options.kind === "write" ? "Write" : "Bash",
      tool_input: options.kind === "write"
        ? writeInput(options.inputBytes, i)
        : bashInput(options.inputBytes, i),
      session_id: `bench-session-${String(i).padStart(4, "0")}`,
      cwd: "/home/dev/project",
    }));
}

/** What an allowed govern answer contains (the generator counts anything else as an error). */
export const ALLOW_MARK = '"permissionDecision":"allow"';
