import assert from "node:assert/strict";
import { inlineText } from "./inline_data.ts";
import { pngBytes } from "./test_values.ts";
import { parseAnthropicRequest } from "./anthropic_request.ts";
import { parseGeminiRequest } from "./gemini_request.ts";
import { MAX_DEPTH, readPrompt, routePrompt } from "./prompt.ts";
import type { ProviderSpec } from "./providers.ts";
import type { Candidate } from "./routing.ts";

const SECRET = "AKIAIOSFODNN7EXAMPLF";
const base64 = (bytes: Uint8Array) => bytes.toBase64();
const utf8 = (text: string) => new TextEncoder().encode(text);

Deno.test("inlineText: media files are skipped, base64 text decoded, anything else read as sent", () => {
  assert.equal(inlineText(base64(pngBytes(20_000))), undefined);
  assert.equal(inlineText(base64(utf8(`AWS_KEY=${SECRET}\n`))), `AWS_KEY=${SECRET}\n`);
  const long = `# settings\n${"x = 1\n".repeat(2_000)}key = ${SECRET}\n`;
  assert.equal(inlineText(base64(utf8(long))), long, "text beyond the probed head is decoded too");
  assert.equal(inlineText(`key = ${SECRET}`), `key = ${SECRET}`, "not base64: read as sent");
  assert.equal(inlineText(utf8("née ✓").toBase64({ alphabet: "base64url", omitPadding: true })), "née ✓");
  const wrapped = base64(utf8(`token ${SECRET} `.repeat(40))).replace(/.{76}/g, "$&\n");
  assert.equal(inlineText(wrapped), `token ${SECRET} `.repeat(40), "MIME line breaks are allowed");
  const latin1 = base64(Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x63, 0x72, 0xe8, 0x6d, 0x65]));
  assert.equal(inlineText(latin1), latin1, "base64 of neither media nor UTF-8 text is read as sent");
  const words = `key ${SECRET} here`;
  assert.equal(inlineText(words), words, "words that happen to be base64 decode to noise: read as sent");
  const zip = base64(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]));
  assert.equal(inlineText(zip), zip, "an archive is not a media file a provider takes");
  for (const head of [[0xff, 0xd8, 0xff, 0xe0], [0x25, 0x50, 0x44, 0x46, 0x2d], [0xff, 0xfb, 0x90, 0x64]]) {
    assert.equal(inlineText(base64(Uint8Array.from([...head, ...pngBytes(64).subarray(16)]))), undefined);
  }
  const mp4 = Uint8Array.from([0, 0, 0, 0x18, ...utf8("ftypmp42"), ...pngBytes(64).subarray(16)]);
  assert.equal(inlineText(base64(mp4)), undefined);
});

Deno.test("readPrompt: inline payloads in every dialect's shape, read for what they carry", () => {
  const picture = base64(pngBytes(4_000));
  const body = {
    messages: [{
      role: "user",
      content: [
        { type: "image", source: { type: "base64", media_type: "image/png", data: picture } },
        {
          type: "document",
          source: { type: "base64", media_type: "text/plain", data: base64(utf8(`a=${SECRET}`)) },
        },
        { type: "image_url", image_url: { url: `data:image/png;base64,${picture}` } },
        { type: "image_url", image_url: { url: `data:text/plain;base64,${base64(utf8("b=1 c=2"))}` } },
        { type: "input_audio", input_audio: { data: `not audio ${SECRET}`, format: "wav" } },
        { inlineData: { mimeType: "image/png", data: picture } },
        { inlineData: { mimeType: "image/png", data: `raw ${SECRET}` } },
        { type: "file", file: { filename: "notes.txt", file_data: base64(utf8(`f=${SECRET}`)) } },
        { type: "file", file: { filename: "scan.pdf", file_data: `data:application/pdf;base64,${picture}` } },
      ],
    }],
  };
  const { text, cut } = readPrompt(body);
  assert.equal(cut, false);
  assert.ok(!text.includes(picture.slice(0, 40)), "a picture's base64 is not scanned");
  assert.ok(text.includes(`a=${SECRET}`), "a text document sent as base64 is read decoded");
  assert.ok(text.includes("b=1 c=2"), "a data: URL of text is read decoded");
  assert.ok(text.includes(`not audio ${SECRET}`), "audio data that is not base64 is read as sent");
  assert.ok(text.includes(`raw ${SECRET}`), "Gemini inline data that is not base64 is read as sent");
  assert.ok(text.includes(`f=${SECRET}`), "an OpenAI file part's base64 text is read decoded");
});

Deno.test("readPrompt: a body nested deeper than the scanner reads is reported cut", () => {
  const nest = (levels: number) => {
    let value: unknown = `deep ${SECRET}`;
    for (let i = 0; i < levels; i++) value = [value];
    return { metadata: value };
  };
  const shallow = readPrompt(nest(MAX_DEPTH - 2));
  assert.deepEqual([shallow.cut, shallow.text.includes(SECRET)], [false, true]);
  const deep = readPrompt(nest(MAX_DEPTH + 5));
  assert.equal(deep.cut, true);
});

const candidate = (wire: ProviderSpec["wire"], upstreamModel: string): Candidate => {
  const provider: ProviderSpec = {
    name: wire,
    wire,
    endpoint: "http://127.0.0.1:9/v1",
    apiKeySecret: undefined,
    timeoutMs: undefined,
    models: [],
  };
  return { provider, upstreamModel, model: undefined };
};

Deno.test("routePrompt: every wire's body, the Gemini model in its URL, the forwarded beta header", () => {
  const raw = {
    model: "claude-x",
    max_tokens: 5,
    messages: [{ role: "user", content: "hi" }],
    service_tier: `tier ${SECRET}`,
  };
  const caller = { dialect: "anthropic" as const, raw, anthropicVersion: undefined, anthropicBeta: "beta-1" };
  const request = parseAnthropicRequest(raw);
  const translatedOnly = routePrompt(request, [candidate("openai-chat", "m")], caller);
  assert.ok(!translatedOnly.text.includes(SECRET), "the OpenAI translation drops the field");
  const withFallback = routePrompt(
    request,
    [candidate("openai-chat", "m"), candidate("anthropic", "c")],
    caller,
  );
  assert.ok(withFallback.text.includes(SECRET), "the Anthropic fallback would get the caller's own body");
  assert.ok(withFallback.text.includes("beta-1"));
  assert.equal(withFallback.primaryChars, translatedOnly.text.length, "the estimate counts the primary only");

  const geminiBody = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
  const gemini = {
    dialect: "gemini" as const,
    raw: geminiBody,
    anthropicVersion: undefined,
    anthropicBeta: undefined,
  };
  const named = `gemini-${SECRET}`;
  const prompt = routePrompt(
    parseGeminiRequest(geminiBody, named, false),
    [candidate("gemini", named)],
    gemini,
  );
  assert.ok(prompt.text.includes(named), "the model name travels in the URL");
  assert.equal(
    prompt.primaryChars,
    prompt.text.length - named.length - 1,
    "the estimate counts the body only",
  );
});

Deno.test("inlineText: 1 MiB near-misses of base64 are decided in linear time", () => {
  const MIB = 1024 * 1024;
  for (const unit of [" ", "A ", "=", "\n", "AAAA", "A-"]) {
    const input = unit.repeat(MIB / unit.length) + "!";
    const started = performance.now();
    assert.equal(inlineText(input), input);
    // Generous for a shared CI machine; a quadratic match of this input takes minutes.
    const ms = performance.now() - started;
    assert.ok(ms < 1500, `${JSON.stringify(unit)}: ${ms.toFixed(0)} ms`);
  }
});
