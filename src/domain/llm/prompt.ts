/**
 * What governance scans: every string the upstream would see (every string leaf and object key of
 * the exact body we send, tool schemas and tool results included), joined by newlines. Inline
 * binary payloads (base64 image or document data, `data:` URLs) are skipped: they are not text a
 * model reads as text, and their entropy would trip the scanner on every picture.
 */
const STRUCTURAL_KEYS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "role",
  "content",
  "type",
  "text",
  "system",
  "tools",
  "name",
  "description",
  "input_schema",
  "parameters",
  "properties",
  "required",
  "tool_use_id",
  "tool_call_id",
  "tool_calls",
  "id",
  "function",
  "arguments",
  "input",
  "max_tokens",
  "stream",
]);

export function promptText(body: unknown): string {
  const out: string[] = [];
  collect(body, out, 0);
  return out.join("\n");
}

function collect(value: unknown, out: string[], depth: number): void {
  if (depth > 64) return;
  if (typeof value === "string") {
    if (!isInlineBinary(value)) out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const record = value as Record<string, unknown>;
  const binary = record["type"] === "base64" || "mimeType" in record || "mime_type" in record;
  for (const [key, v] of Object.entries(record)) {
    if (!STRUCTURAL_KEYS.has(key)) out.push(key);
    if (binary && key === "data") continue;
    collect(v, out, depth + 1);
  }
}

function isInlineBinary(text: string): boolean {
  return text.startsWith("data:") && /^data:[^,]{0,100};base64,/.test(text);
}
