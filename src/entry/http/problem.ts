import type { Context } from "hono";
import { AppError, type ErrorCode } from "@shared/errors.ts";

/**
 * The one translation table from error codes to REST answers (RFC 9457 problem+json). A new code
 * without a row here fails type-checking.
 */
const PROBLEMS: Record<ErrorCode, { status: number; title: string }> = {
  "request.invalid_json": { status: 400, title: "Request body is not valid JSON" },
  "request.invalid_body": { status: 400, title: "Request body is invalid" },
  "request.too_large": { status: 413, title: "Request body is too large" },
  "request.not_found": { status: 404, title: "Not found" },
  "request.method_not_allowed": { status: 405, title: "Method not allowed" },
  "auth.missing_token": { status: 401, title: "Authentication required" },
  "auth.invalid_token": { status: 401, title: "Invalid or expired token" },
  "auth.forbidden": { status: 403, title: "Forbidden" },
  "config.invalid": { status: 500, title: "Configuration is invalid" },
  "db.unavailable": { status: 503, title: "Database unavailable" },
  "db.migration_checksum_mismatch": { status: 500, title: "Database migration error" },
  "db.migration_failed": { status: 500, title: "Database migration error" },
  "db.query_rejected": { status: 400, title: "Query rejected" },
  "db.query_failed": { status: 500, title: "Database error" },
  "db.locked": { status: 503, title: "Database in use" },
  "db.backup_invalid": { status: 400, title: "Invalid backup file" },
  "db.backup_schema_newer": { status: 409, title: "Backup is newer than this build" },
  "db.restore_target_not_empty": { status: 409, title: "Restore target holds data" },
  "identity.user_not_found": { status: 404, title: "User not found" },
  "identity.user_exists": { status: 409, title: "User already exists" },
  "identity.user_inactive": { status: 409, title: "User is not active" },
  "identity.not_admin": { status: 403, title: "Admin role required" },
  "identity.invalid_role": { status: 400, title: "Invalid role change" },
  "identity.api_key_not_found": { status: 404, title: "API key not found" },
  "cli.usage": { status: 400, title: "Invalid command" },
  "service.unreachable": { status: 502, title: "Service unreachable" },
  "service.unavailable": { status: 503, title: "Service unavailable" },
  "audit.unavailable": { status: 503, title: "Audit trail unavailable" },
  "audit.journal_full": { status: 503, title: "Audit journal full" },
  "audit.write_failed": { status: 500, title: "Audit write failed" },
  "audit.chain_broken": { status: 500, title: "Audit chain verification failed" },
  "audit.bundle_invalid": { status: 400, title: "Audit bundle is invalid" },
  "audit.key_missing": { status: 500, title: "Audit signing key missing" },
  "vault.secret_missing": { status: 404, title: "Secret not set" },
  "vault.invalid_reference": { status: 400, title: "Invalid secret reference" },
  "vault.integrity_failure": { status: 500, title: "Vault integrity check failed" },
  "vault.master_key_mismatch": { status: 500, title: "Vault master key mismatch" },
  "mcp.server_not_found": { status: 404, title: "MCP server not found" },
  "mcp.server_unavailable": { status: 503, title: "MCP server unavailable" },
  "mcp.upstream_failed": { status: 502, title: "MCP upstream failed" },
  "mcp.upstream_timeout": { status: 504, title: "MCP upstream timed out" },
  "mcp.session_not_found": { status: 404, title: "MCP session not found" },
  "mcp.tool_not_found": { status: 404, title: "MCP tool not found" },
  "mcp.origin_forbidden": { status: 403, title: "Origin not allowed" },
  "llm.invalid_request": { status: 400, title: "Invalid model request" },
  "llm.model_not_found": { status: 404, title: "Model not found" },
  "llm.denied": { status: 403, title: "Denied by policy" },
  "llm.limited": { status: 429, title: "Quota or budget exhausted" },
  "llm.upstream_failed": { status: 502, title: "Model provider failed" },
  "llm.upstream_timeout": { status: 504, title: "Model provider timed out" },
  "llm.provider_unavailable": { status: 503, title: "Model provider unavailable" },
  "internal.unexpected": { status: 500, title: "Internal error" },
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  trace_id?: string;
  [key: string]: unknown;
}

/** Server-side faults keep their internal message out of the answer. */
export function problemFor(error: AppError, traceId?: string): ProblemBody {
  const { status, title } = PROBLEMS[error.code];
  const detail = status >= 500 ? title : error.message;
  return {
    type: `https://systemprompt.io/problems/${error.code}`,
    title,
    status,
    code: error.code,
    detail,
    ...(traceId ? { trace_id: traceId } : {}),
    ...(status < 500 && error.data ? error.data : {}),
  };
}

export function problemResponse(c: Context, error: AppError): Response {
  const traceId = c.get("traceId" as never) as string | undefined;
  const body = problemFor(error, traceId);
  return c.newResponse(JSON.stringify(body), body.status as 400, {
    "content-type": "application/problem+json",
  });
}

export function asAppError(error: unknown): AppError {
  return error instanceof AppError
    ? error
    : new AppError("internal.unexpected", "unexpected error", { cause: error });
}
