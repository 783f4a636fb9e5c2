/**
 * One error class, many stable codes. A code is `domain.reason`; once published it never changes
 * meaning. `message` and `data` are safe to show a client; `cause` stays internal.
 */
export const ERROR_CODES = [
  "request.invalid_json",
  "request.invalid_body",
  "request.too_large",
  "request.not_found",
  "request.method_not_allowed",
  "auth.missing_token",
  "auth.invalid_token",
  "auth.forbidden",
  "config.invalid",
  "db.unavailable",
  "db.migration_checksum_mismatch",
  "db.migration_failed",
  "db.query_rejected",
  "db.query_failed",
  "db.locked",
  "db.backup_invalid",
  "db.backup_schema_newer",
  "db.restore_target_not_empty",
  "identity.user_not_found",
  "identity.user_exists",
  "identity.user_inactive",
  "identity.not_admin",
  "identity.invalid_role",
  "identity.api_key_not_found",
  "cli.usage",
  "service.unreachable",
  "service.unavailable",
  "audit.unavailable",
  "audit.journal_full",
  "audit.write_failed",
  "audit.chain_broken",
  "audit.bundle_invalid",
  "audit.key_missing",
  "vault.secret_missing",
  "vault.invalid_reference",
  "vault.integrity_failure",
  "vault.master_key_mismatch",
  "mcp.server_not_found",
  "mcp.server_unavailable",
  "mcp.upstream_failed",
  "mcp.upstream_timeout",
  "mcp.session_not_found",
  "mcp.tool_not_found",
  "mcp.origin_forbidden",
  "llm.invalid_request",
  "llm.model_not_found",
  "llm.denied",
  "llm.limited",
  "llm.upstream_failed",
  "llm.upstream_timeout",
  "llm.provider_unavailable",
  "internal.unexpected",
] as const;

export type ErrorCode = typeof ERROR_CODES[number];

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/** A short, single-line description of an unknown thrown value, for logs (never for clients). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
