import { LOG_LEVELS, type LogFields, type Logger, type LogLevel } from "@shared/logger.ts";
import type { Clock } from "@shared/clock.ts";

export interface JsonLoggerOptions {
  /** A fixed level, or a function read on every call (the CLI raises it once the profile is loaded). */
  readonly level: LogLevel | (() => LogLevel);
  readonly clock: Clock;
  /** Receives one JSON line (with its newline). Defaults to stderr. */
  readonly write?: (line: string) => void;
}

const encoder = new TextEncoder();
const writeStderr = (line: string) => {
  Deno.stderr.writeSync(encoder.encode(line));
};

/** JSON lines: `{"ts","level","event",...fields}`. Stdout is reserved for CLI results. */
export function createJsonLogger(options: JsonLoggerOptions, bound: LogFields = {}): Logger {
  const threshold = () =>
    LOG_LEVELS.indexOf(typeof options.level === "function" ? options.level() : options.level);
  const write = options.write ?? writeStderr;
  const emit = (level: LogLevel, event: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(level) < threshold()) return;
    const record = { ts: options.clock.now().toISOString(), level, event, ...bound, ...fields };
    write(`${JSON.stringify(record, replaceErrors)}\n`);
  };
  return {
    debug: (event, fields) => emit("debug", event, fields),
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
    child: (fields) => createJsonLogger(options, { ...bound, ...fields }),
  };
}

function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}
