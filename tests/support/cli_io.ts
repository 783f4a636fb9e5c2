import { runCli } from "@entry/cli/main.ts";
import type { CliIo } from "@entry/cli/command.ts";

/** One in-process CLI run with its output captured. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function captureIo(): { io: CliIo; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (text) => void out.push(text), err: (text) => void err.push(text) },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

/** Runs `systemprompt <argv>` in this process with exactly `env` (never the process environment). */
export async function runCliCaptured(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<CliRun> {
  const captured = captureIo();
  const code = await runCli(argv, { env, cwd, io: captured.io });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** No JavaScript stack frames (`    at fn (file:1:2)`) in user-facing output. */
export const STACK_FRAME = /^\s+at .+/m;
