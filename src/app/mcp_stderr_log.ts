import { dirname } from "node:path";
import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";

/**
 * A stdio upstream's stderr, kept in `<logs>/mcp/<server>.log` (0600) and rotated by size
 * (`.1` … `.<keep>`). Lines are written in order by one drain loop; the caller scrubs them first.
 */
export interface LineLog {
  write(line: string): void;
  /** Flushes what was written and stops. */
  close(): Promise<void>;
}

export interface RotatingLogOptions {
  readonly maxBytes?: number;
  readonly keep?: number;
  readonly log: Logger;
}

const MAX_LINE_CHARS = 8_192;

export function openRotatingLog(path: string, options: RotatingLogOptions): LineLog {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const keep = options.keep ?? 3;
  const pending: string[] = [];
  let size: number | undefined;
  let draining: Promise<void> | undefined;
  let failed = false;
  const drain = async () => {
    while (pending.length > 0) {
      const text = pending.splice(0).join("");
      try {
        size ??= await currentSize(path);
        if (size + text.length > maxBytes && size > 0) {
          await rotate(path, keep);
          size = 0;
        }
        await Deno.writeTextFile(path, text, { append: true, mode: 0o600 });
        size += new TextEncoder().encode(text).byteLength;
      } catch (error) {
        if (!failed) options.log.warn("mcp.stderr_log_failed", { path, error: describeError(error) });
        failed = true;
      }
    }
    draining = undefined;
  };
  return {
    write: (line) => {
      pending.push(`${line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line}\n`);
      draining ??= drain();
    },
    close: async () => {
      await draining;
    },
  };
}

async function currentSize(path: string): Promise<number> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

async function rotate(path: string, keep: number): Promise<void> {
  for (let n = keep - 1; n >= 1; n--) {
    await Deno.rename(`${path}.${n}`, `${path}.${n + 1}`).catch(() => {});
  }
  await Deno.rename(path, `${path}.1`).catch(() => {});
}
