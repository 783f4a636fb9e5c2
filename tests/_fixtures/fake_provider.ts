/**
 * Local fake model providers for the gateway suites: real HTTP servers on 127.0.0.1 (port 0) that
 * speak the Anthropic Messages, OpenAI Chat Completions and Gemini generateContent wires exactly,
 * SSE streaming included.
 * Every request is recorded (path, headers, body); behaviour is scripted per test (fail the first N
 * calls with a status, fixed usage, a tool call when tools are offered, a canary in the output,
 * a slow stream).
 */
import { anthropicReply, anthropicStream } from "./fake_anthropic_wire.ts";
import { geminiModelOf, geminiReply, geminiStream } from "./fake_gemini_wire.ts";
import { openAiReply, openAiStream } from "./fake_openai_wire.ts";

export type FakeWire = "anthropic" | "openai-chat" | "gemini";

export interface RecordedRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

export interface FakeUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead?: number;
}

/** What the fake model "says": text, or a call of the first offered tool. */
export interface FakeAnswer {
  readonly text?: string;
  readonly tool?: { readonly name: string; readonly input: Record<string, unknown> };
  readonly usage: FakeUsage;
  /** Text is streamed in pieces of this many characters (default 4). */
  readonly chunkSize?: number;
  /** Pause between streamed frames, in ms. */
  readonly frameDelayMs?: number;
}

export interface FakeScript {
  /** The first N requests fail with `failStatus` (default 503). */
  failFirst?: number;
  failStatus?: number;
  /** Every answer waits this long before its headers (an upstream too slow for its deadline). */
  delayMs?: number;
  /** Decides the answer from the request body; the default echoes or calls the first tool. */
  answer?: (body: Record<string, unknown>) => FakeAnswer;
}

export interface FakeProvider extends AsyncDisposable {
  /** Base URL including the version segment, as a provider `endpoint`. */
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  readonly script: FakeScript;
  /** Streams the fake started and whether their client went away before the end. */
  readonly streams: { aborted: boolean }[];
}

export function startFakeProvider(wire: FakeWire, script: FakeScript = {}): FakeProvider {
  const requests: RecordedRequest[] = [];
  const streams: { aborted: boolean }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    const body = await request.json().catch(() => ({}));
    requests.push({ path: url.pathname, headers: Object.fromEntries(request.headers), body });
    if (script.failFirst !== undefined && requests.length <= script.failFirst) {
      return errorResponse(wire, script.failStatus ?? 503);
    }
    await pause(script.delayMs);
    let answer: FakeAnswer;
    try {
      answer = (script.answer ?? defaultAnswer)(body);
    } catch {
      return invalidRequest(wire); // a body the fake cannot read: what a real provider says
    }
    if (wire === "gemini") {
      const model = geminiModelOf(url.pathname);
      return url.pathname.endsWith(":streamGenerateContent")
        ? sse(geminiStream(model, answer), streams)
        : Response.json(geminiReply(model, answer));
    }
    const stream = body["stream"] === true;
    if (wire === "anthropic") {
      return stream
        ? sse(anthropicStream(body, answer), streams)
        : Response.json(anthropicReply(body, answer));
    }
    return stream ? sse(openAiStream(body, answer), streams) : Response.json(openAiReply(body, answer));
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}/${wire === "gemini" ? "v1beta" : "v1"}`,
    requests,
    script,
    streams,
    [Symbol.asyncDispose]: async () => {
      await server.shutdown();
    },
  };
}

/** Echoes the last user text, or calls the first tool until a tool result comes back. */
export function defaultAnswer(body: Record<string, unknown>): FakeAnswer {
  const usage = { input: 12, output: 7 };
  const tools = Array.isArray(body["tools"]) ? body["tools"] as Record<string, unknown>[] : [];
  const last = lastUserText(body);
  if (tools.length > 0 && !last.toolResult) {
    const tool = tools[0]!;
    const declared = Array.isArray(tool["functionDeclarations"])
      ? tool["functionDeclarations"][0]
      : undefined;
    const fn = (declared ?? tool["function"] ?? tool) as Record<string, unknown>;
    return { tool: { name: String(fn["name"]), input: { city: "Paris" } }, usage };
  }
  return { text: last.toolResult ? `tool said: ${last.text}` : `echo: ${last.text}`, usage };
}

function lastUserText(body: Record<string, unknown>): { text: string; toolResult: boolean } {
  if (Array.isArray(body["contents"])) return lastGeminiText(body["contents"] as Record<string, unknown>[]);
  const messages = Array.isArray(body["messages"]) ? body["messages"] as Record<string, unknown>[] : [];
  const last = messages.at(-1) ?? {};
  if (last["role"] === "tool") return { text: String(last["content"]), toolResult: true };
  const content = last["content"];
  if (typeof content === "string") return { text: content, toolResult: false };
  const blocks = Array.isArray(content) ? content as Record<string, unknown>[] : [];
  const result = blocks.find((b) => b["type"] === "tool_result");
  if (result) return { text: String(result["content"]), toolResult: true };
  return { text: blocks.map((b) => String(b["text"] ?? "")).join(""), toolResult: false };
}

function invalidRequest(wire: FakeWire): Response {
  const body = wire === "anthropic"
    ? { type: "error", error: { type: "invalid_request_error", message: "malformed request" } }
    : wire === "gemini"
    ? { error: { code: 400, message: "Invalid JSON payload received.", status: "INVALID_ARGUMENT" } }
    : { error: { message: "malformed request", type: "invalid_request_error", param: null, code: null } };
  return Response.json(body, { status: 400 });
}

function errorResponse(wire: FakeWire, status: number): Response {
  const body = wire === "anthropic"
    ? { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }
    : { error: { message: "The server is overloaded", type: "server_error", param: null, code: null } };
  return Response.json(body, { status });
}

function sse(frames: AsyncIterable<string>, streams: { aborted: boolean }[]): Response {
  const state = { aborted: false };
  streams.push(state);
  const iterator = frames[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel() {
      state.aborted = true;
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}

export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export async function pause(ms: number | undefined): Promise<void> {
  if (ms) await new Promise((resolve) => setTimeout(resolve, ms));
}

function lastGeminiText(contents: Record<string, unknown>[]): { text: string; toolResult: boolean } {
  const parts = (contents.at(-1)?.["parts"] ?? []) as Record<string, unknown>[];
  const response = parts.find((p) => p["functionResponse"]);
  if (response) {
    const inner = (response["functionResponse"] as Record<string, unknown>)["response"] as Record<
      string,
      unknown
    >;
    return { text: String(inner["content"] ?? JSON.stringify(inner)), toolResult: true };
  }
  return { text: parts.map((p) => String(p["text"] ?? "")).join(""), toolResult: false };
}
