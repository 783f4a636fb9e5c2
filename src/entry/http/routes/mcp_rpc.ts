import { AppError, type ErrorCode } from "@shared/errors.ts";
import { problemFor } from "../problem.ts";

/**
 * The MCP edge's translation table: our error codes as JSON-RPC errors. Protocol errors are
 * JSON-RPC error objects; governance denies and tool failures are tool results instead (§7). Codes
 * not listed follow their HTTP status class; messages are the client-safe problem `detail`.
 */
const RPC_CODES: Partial<Record<ErrorCode, number>> = {
  "mcp.upstream_failed": -32000,
  "mcp.server_unavailable": -32000,
  "mcp.upstream_timeout": -32001,
  "mcp.session_not_found": -32001,
  "mcp.server_not_found": -32600,
  "mcp.tool_not_found": -32602,
  "request.invalid_json": -32700,
  "request.invalid_body": -32600,
};

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INTERNAL_ERROR = -32603;

export type JsonRpcId = string | number | null;

export function rpcCodeFor(error: AppError): number {
  const status = problemFor(error).status;
  return RPC_CODES[error.code] ??
    (status >= 500 ? INTERNAL_ERROR : status === 400 ? -32602 : INVALID_REQUEST);
}

/** What the SDK server sends when a handler throws: a numeric `code` and a safe `message`. */
export class RpcFailure extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export function rpcFailureFor(error: unknown): RpcFailure {
  const appError = error instanceof AppError
    ? error
    : new AppError("internal.unexpected", "unexpected error", { cause: error });
  return new RpcFailure(rpcCodeFor(appError), problemFor(appError).detail);
}

export function rpcErrorBody(code: number, message: string, id: JsonRpcId = null): string {
  return JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id });
}

export function rpcErrorResponse(
  status: number,
  code: number,
  message: string,
  options: { id?: JsonRpcId; headers?: Record<string, string> } = {},
): Response {
  return new Response(rpcErrorBody(code, message, options.id ?? null), {
    status,
    headers: { "content-type": "application/json", ...options.headers },
  });
}

/** A single JSON-RPC 2.0 request, notification or response; batches are not accepted. */
export function jsonRpcShape(body: unknown): { ok: true; method: string | undefined } | {
  ok: false;
  id: JsonRpcId;
} {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { ok: false, id: null };
  const m = body as Record<string, unknown>;
  const id = typeof m["id"] === "string" || typeof m["id"] === "number" ? m["id"] : null;
  if (m["jsonrpc"] !== "2.0") return { ok: false, id };
  if (typeof m["method"] === "string") return { ok: true, method: m["method"] };
  const isResponse = "id" in m && ("result" in m || "error" in m);
  return isResponse ? { ok: true, method: undefined } : { ok: false, id };
}
