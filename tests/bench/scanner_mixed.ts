/**
 * "Mixed text" for the scanner's throughput target (issue 4: ≥ 50 MiB/s): documents an agent sends
 * or receives — TypeScript source, shell/CI logs, JSON tool-call arguments and MCP traffic, Markdown
 * prose — with public-corpus items (positives, negatives and evasions, in file order) interleaved at
 * a stated density: one item after every ~`SPACING` bytes of background (about 6 % of the bytes are
 * corpus text, i.e. secrets and near misses). Background lines mention credentials the way real code
 * does (`token`, `apiKey`, `password` as identifiers) so the keyword prefilter is exercised.
 * Deterministic (no randomness): the same corpus gives the same documents.
 */

/** Background bytes between two interleaved corpus items. */
export const SPACING = 2048;
/** Target size of one document. */
export const DOC_BYTES = 16 * 1024;

const CODE = [
  "export async function handler(req: Request): Promise<Response> {",
  "  const url = new URL(req.url);",
  '  const token = req.headers.get("authorization") ?? "";',
  '  if (!token.startsWith("Bearer ")) return new Response("unauthorized", { status: 401 });',
  '  const rows = await db.query("SELECT id, name FROM users WHERE org_id = $1", [url.searchParams.get("org")]);',
  "  return Response.json({ items: rows, next_cursor: null, request_id: crypto.randomUUID() });",
  "}",
  'const apiKey = Deno.env.get("OPENAI_API_KEY");',
  'if (!apiKey) throw new Error("missing api key: set OPENAI_API_KEY");',
  "function validatePassword(password: string): boolean {",
  "  return password.length >= 12 && /[A-Z]/.test(password) && /\\d/.test(password);",
  "}",
  'import { createHash } from "node:crypto";',
  "export const sessionTtlSeconds = 3600; // refresh the access token 60 s before expiry",
  "for (const [key, value] of Object.entries(config)) console.debug(`${key}=${typeof value}`);",
  "  await cache.set(`user:${user.id}`, JSON.stringify(user), { ttl: 300 });",
];
const LOGS = [
  "2026-11-30T14:02:11.482Z INFO  server listening on http://127.0.0.1:8080 (pid 41213)",
  "2026-11-30T14:02:12.007Z DEBUG pool: 4 connections open, 0 waiting, max 20",
  "2026-11-30T14:02:13.551Z WARN  token refresh took 812 ms (threshold 500 ms) for client web-app",
  "$ git log --oneline -3",
  "a3f9c12 fix: retry the upload when the presigned url expired",
  "$ npm ci && npm run build",
  "added 1123 packages, and audited 1124 packages in 14s",
  "found 0 vulnerabilities",
  "ok | tests/auth/password_reset_test.ts (12 tests) 418ms",
  "error: Uncaught (in promise) TypeError: Cannot read properties of undefined (reading 'secret')",
  "    at resolveConfig (file:///app/src/config.ts:41:17)",
  "docker build -t registry.internal/app:1.14.2 . && docker push registry.internal/app:1.14.2",
];
const JSON_LINES = [
  '{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"src/main.ts"}}}',
  '{"tool_name":"Bash","tool_input":{"command":"ls -la /workspace && cat package.json","description":"inspect"}}',
  '{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"summarise the diff"}]}',
  '{"level":"info","msg":"request done","status":200,"duration_ms":12.4,"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}',
  '{"name":"@acme/web","version":"3.2.0","scripts":{"build":"vite build","test":"vitest run"},"private":true}',
];
const PROSE = [
  "## Deploying the service",
  "Set the database URL and the API key through the environment, never in the repository. The",
  "deployment reads them at start and refuses to boot when one is missing; rotate the key from the",
  "admin console and restart the pods one at a time so the rollout never drops a request.",
  "The password policy requires twelve characters with at least one digit; see docs/security.md.",
  "Note: tokens issued before the migration stay valid until they expire (at most one hour).",
];
const KINDS = [CODE, LOGS, JSON_LINES, PROSE];

/** Background text of about `bytes` characters, cycling through the kinds and their lines. */
function background(bytes: number, seed: number): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const kind = KINDS[Math.floor((seed + i) / 6) % KINDS.length] ?? CODE;
    const line = kind[(seed * 7 + i * 3) % kind.length] ?? "";
    out.push(line);
    length += line.length + 1;
  }
  return out.join("\n");
}

/** Mixed-text documents holding every corpus item once (items in order, one per `SPACING` bytes). */
export function mixedDocuments(corpusTexts: readonly string[]): string[] {
  const docs: string[] = [];
  let parts: string[] = [];
  let length = 0;
  corpusTexts.forEach((text, i) => {
    const filler = background(SPACING, i);
    parts.push(filler, text);
    length += filler.length + text.length + 2;
    if (length >= DOC_BYTES) {
      docs.push(parts.join("\n"));
      parts = [];
      length = 0;
    }
  });
  if (parts.length > 0) docs.push(parts.join("\n"));
  return docs;
}
