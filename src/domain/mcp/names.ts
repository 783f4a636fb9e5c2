/**
 * Audited tool names: clients see a server's plain tool names at its own endpoint; governance and
 * the audit trail see `mcp__<server>__<tool>`. Server names never contain `__` (the registry
 * schema forbids it), so the first `__` after the prefix separates server from tool.
 */
export function auditedToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool}`;
}

export function parseAuditedToolName(name: string): { server: string; tool: string } | undefined {
  const match = /^mcp__(.+?)__(.+)$/.exec(name);
  if (!match) return undefined;
  return { server: match[1]!, tool: match[2]! };
}

/**
 * Resources and prompts are governed under the same scheme with a kind prefix:
 * `mcp__<server>__resource:<uri>` and `mcp__<server>__prompt:<name>` (the part after the server
 * is the item's "own name"). MCP tool names should not contain `:`; an upstream tool whose name
 * starts with either prefix is dropped from the catalogue, so the names never collide.
 */
export function resourceOwnName(uri: string): string {
  return `resource:${uri}`;
}

export function promptOwnName(name: string): string {
  return `prompt:${name}`;
}

/** True for the own name of a resource or prompt (not a tool). */
export function isContentOwnName(own: string): boolean {
  return own.startsWith("resource:") || own.startsWith("prompt:");
}
