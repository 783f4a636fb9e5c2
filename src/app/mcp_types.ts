import type { Principal } from "@domain/identity/mod.ts";
import { isContentOwnName } from "@domain/mcp/mod.ts";
import type { TraceId } from "@shared/ids.ts";
import type { Secret } from "@shared/secret.ts";

/**
 * The MCP gateway's view of an upstream, whatever its kind: list tools, call one, ping. Builtin
 * servers (our own TypeScript, `src/entry/mcp/`) implement `BuiltinServer`; stdio and http
 * upstreams are SDK clients behind the same `UpstreamConnection`.
 */
/**
 * Our own shapes of the MCP values we handle: the SDK's schema-derived types degrade to `any` under
 * our compiler settings, so values from the SDK are checked where they enter (`asTools`,
 * `asCallToolResult`) and typed by these.
 */
export interface Tool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: { readonly type: "object"; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface ToolContent {
  readonly type: string;
  readonly text?: string;
  readonly [key: string]: unknown;
}

export interface CallToolResult {
  readonly content: readonly ToolContent[];
  readonly isError?: boolean;
  readonly structuredContent?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

export type UpstreamStatus = "running" | "starting" | "error" | "stopped" | "disabled";

/** Who a call runs for: builtins act with the caller's rights; others never see the caller's token. */
export interface McpCaller {
  readonly principal: Principal;
  readonly traceId: TraceId;
  readonly sessionId: string;
}

export interface CallOptions {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly caller: McpCaller;
  /** An HTTP upstream's headers resolved for this caller (ignored by other kinds). */
  readonly headers?: Readonly<Record<string, Secret>>;
}

/** What an upstream offers besides tools (its declared `resources` and `prompts` capabilities). */
export interface UpstreamFeatures {
  readonly resources: boolean;
  readonly prompts: boolean;
}

/**
 * The read side of resources and prompts, proxied as JSON-RPC results (checked loosely: the SDK
 * client validated them against the MCP schema; we only rewrite their strings).
 */
export type ContentRequest =
  | { readonly method: "resources/list"; readonly params: { readonly cursor?: string } }
  | { readonly method: "resources/read"; readonly params: { readonly uri: string } }
  | { readonly method: "prompts/list"; readonly params: { readonly cursor?: string } }
  | {
    readonly method: "prompts/get";
    readonly params: { readonly name: string; readonly arguments?: Record<string, string> };
  };

export type ContentResult = Readonly<Record<string, unknown>>;

export interface UpstreamConnection {
  listTools(signal: AbortSignal): Promise<Tool[]>;
  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<CallToolResult>;
  /** Only called when `features` says the upstream offers it. */
  content(request: ContentRequest, options: CallOptions): Promise<ContentResult>;
  readonly features: UpstreamFeatures;
  ping(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the connection ends (a child exits, a remote closes, or `close()`). */
  readonly ended: Promise<void>;
  /** Credentials fixed at connect time (a child's env), for redaction. */
  readonly injected: readonly Secret[];
}

export interface BuiltinServer {
  readonly name: string;
  listTools(): Tool[];
  call(
    tool: string,
    args: Record<string, unknown>,
    caller: McpCaller,
    signal: AbortSignal,
  ): Promise<CallToolResult>;
}

export type BuiltinCatalog = ReadonlyMap<string, BuiltinServer>;

/**
 * An upstream's `tools` array, keeping only well-formed entries; a tool named like a resource or
 * prompt (`resource:…`, `prompt:…`) is dropped so audited names stay unambiguous.
 */
export function asTools(value: unknown): Tool[] {
  if (!Array.isArray(value)) return [];
  return value.filter((t): t is Tool =>
    t !== null && typeof t === "object" && typeof (t as Tool).name === "string" && (t as Tool).name !== "" &&
    !isContentOwnName((t as Tool).name) &&
    (t as Tool).inputSchema !== null && typeof (t as Tool).inputSchema === "object"
  );
}

/** An upstream's tools/call result (the SDK validated it against the MCP schema). */
export function asCallToolResult(value: unknown): CallToolResult {
  const record = value !== null && typeof value === "object" ? value as Record<string, unknown> : {};
  const content = Array.isArray(record["content"]) ? record["content"] as ToolContent[] : [];
  return { ...record, content };
}

/** Deadline errors are told apart from failures: the execution row says `timeout`. */
export function isTimeout(error: unknown): boolean {
  if (error instanceof DOMException && (error.name === "TimeoutError")) return true;
  return error !== null && typeof error === "object" && (error as { code?: unknown }).code === -32001;
}
