import { isAppError } from "@shared/errors.ts";

/**
 * True when an error means "the database cannot be reached right now" (so the audit writer falls
 * back to its local journal), as opposed to a statement the database refused. Covers postgres.js
 * connection codes, socket errno codes, SQLSTATE classes 08 (connection exception), 57P01–57P03
 * (shutdown, cannot connect now) and 53300 (too many connections), a closed PGlite, and
 * `db.unavailable`; wrapped causes are followed.
 */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

const SQLSTATE_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== "object") return false;
  if (isAppError(error, "db.unavailable")) return true;
  if (
    error instanceof Deno.errors.ConnectionRefused || error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted || error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.TimedOut
  ) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_CODES.has(code) || SQLSTATE_UNAVAILABLE.test(code))) {
    return true;
  }
  if (error instanceof Error && /PGlite is closed/i.test(error.message)) return true;
  return isDatabaseUnavailable((error as { cause?: unknown }).cause, depth + 1);
}
