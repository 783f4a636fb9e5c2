import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  type GetPromptRequest,
  GetPromptRequestSchema,
  type ListPromptsRequest,
  ListPromptsRequestSchema,
  type ListResourcesRequest,
  ListResourcesRequestSchema,
  type ReadResourceRequest,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpCallDeps } from "@app/mcp_call.ts";
import { type ContentOutcome, governedContent, listContent } from "@app/mcp_content.ts";
import type { ContentRequest, ContentResult, UpstreamFeatures } from "@app/mcp_types.ts";
import type { RequestScope } from "./mcp_protocol.ts";
import { RpcFailure } from "./mcp_rpc.ts";

/**
 * `resources/list|read` and `prompts/list|get` on one of our servers, for upstreams that offer
 * them. A governance deny of `resources/read` or `prompts/get` is a JSON-RPC error with code
 * `-32003` and the message `[GOVERNANCE] <reason>` (these methods have no `isError` result).
 */
export const GOVERNANCE_DENIED = -32003;

type Guarded = <T>(work: () => Promise<T>) => Promise<T>;
// The SDK's schema-derived result types degrade under strict mode: our results are plain JSON.
type SdkResult = never;

export function registerContentHandlers(
  protocol: Server,
  deps: McpCallDeps,
  scope: RequestScope,
  features: UpstreamFeatures,
  guarded: Guarded,
): void {
  const input = (request: ContentRequest, signal: AbortSignal) => ({
    principal: scope.principal,
    server: scope.server,
    request,
    sessionId: scope.sessionId,
    traceId: scope.traceId,
    signal: AbortSignal.any([signal, scope.signal]),
  });
  const list = (request: ContentRequest, signal: AbortSignal) =>
    guarded(() => listContent(deps, input(request, signal))) as Promise<SdkResult>;
  const governed = (request: ContentRequest, signal: AbortSignal) =>
    guarded(async () => answer(await governedContent(deps, input(request, signal)))) as Promise<SdkResult>;
  if (features.resources) registerResources(protocol, list, governed);
  if (features.prompts) registerPrompts(protocol, list, governed);
}

type Handle = (request: ContentRequest, signal: AbortSignal) => Promise<SdkResult>;

const cursor = (params: { cursor?: string } | undefined) => params?.cursor ? { cursor: params.cursor } : {};

function registerResources(protocol: Server, list: Handle, governed: Handle): void {
  protocol.setRequestHandler(
    ListResourcesRequestSchema,
    (r: ListResourcesRequest, extra: { signal: AbortSignal }) =>
      list({ method: "resources/list", params: cursor(r.params) }, extra.signal),
  );
  protocol.setRequestHandler(
    ReadResourceRequestSchema,
    (r: ReadResourceRequest, extra: { signal: AbortSignal }) =>
      governed({ method: "resources/read", params: { uri: r.params.uri } }, extra.signal),
  );
}

function registerPrompts(protocol: Server, list: Handle, governed: Handle): void {
  protocol.setRequestHandler(
    ListPromptsRequestSchema,
    (r: ListPromptsRequest, extra: { signal: AbortSignal }) =>
      list({ method: "prompts/list", params: cursor(r.params) }, extra.signal),
  );
  protocol.setRequestHandler(
    GetPromptRequestSchema,
    (r: GetPromptRequest, extra: { signal: AbortSignal }) => {
      const args = r.params.arguments ? { arguments: r.params.arguments } : {};
      return governed({ method: "prompts/get", params: { name: r.params.name, ...args } }, extra.signal);
    },
  );
}

function answer(outcome: ContentOutcome): ContentResult {
  if (!outcome.ok) throw new RpcFailure(GOVERNANCE_DENIED, outcome.reason);
  return outcome.result;
}
