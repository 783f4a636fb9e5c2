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
