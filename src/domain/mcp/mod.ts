/**
 * MCP gateway rules (ARCHITECTURE §2, §5, §6): audited tool names, tool pinning (rug-pull
 * defence), egress redaction, and the repositories for client sessions, pins and tool executions.
 *
 * Invariants: clients see plain tool names, governance sees `mcp__<server>__<tool>`; a server's
 * first successful tools/list pins it and any later change quarantines the tool until approved;
 * sessions and pins live in PostgreSQL so every replica agrees; execution rows and events carry
 * sizes and status, never arguments, results or secret values.
 *
 * Entry points: `reconcilePins`, `toolFingerprint`, `redactSpans`/`mapStrings`,
 * the session/pin/execution repositories.
 */
export {
  auditedToolName,
  isContentOwnName,
  parseAuditedToolName,
  promptOwnName,
  resourceOwnName,
} from "./names.ts";
export type { PinnableTool, PinStatus, PinWrite, Reconciled, StoredPin } from "./pinning.ts";
export { canonicalJson, reconcilePins, toolFingerprint } from "./pinning.ts";
export type { SecretSpan } from "./redact.ts";
export { mapStrings, redactSpans } from "./redact.ts";
export type { McpSession, McpSessionId, NewMcpSession } from "./session_repo.ts";
export {
  closeMcpSession,
  findMcpSession,
  insertMcpSession,
  MCP_SESSION_IDLE_SECONDS,
  newMcpSessionId,
  parseMcpSessionId,
} from "./session_repo.ts";
export type { PinRecord } from "./pin_repo.ts";
export { approvePins, isServerPinned, listPins, pinStatus, writePins } from "./pin_repo.ts";
export type { ExecutionFilter, ExecutionStatus, ToolExecution } from "./execution_repo.ts";
export { insertExecutions, insertMcpEvent, listExecutions } from "./execution_repo.ts";
