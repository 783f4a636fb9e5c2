/** The Gemini `generateContent` wire as the fake provider speaks it (whole answers and SSE chunks). */
import { type FakeAnswer, pause, pieces } from "./fake_provider.ts";

function usageOf(answer: FakeAnswer) {
  const cached = answer.usage.cacheRead ?? 0;
  return {
    promptTokenCount: answer.usage.input + cached,
    candidatesTokenCount: answer.usage.output,
    totalTokenCount: answer.usage.input + cached + answer.usage.output,
    ...(cached ? { cachedContentTokenCount: cached } : {}),
  };
}

function parts(answer: FakeAnswer): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (answer.text !== undefined) out.push({ text: answer.text });
  if (answer.tool) out.push({ functionCall: { name: answer.tool.name, args: answer.tool.input } });
  return out;
}

export function geminiReply(model: string, answer: FakeAnswer): Record<string, unknown> {
  return {
    candidates: [{ content: { role: "model", parts: parts(answer) }, finishReason: "STOP", index: 0 }],
    usageMetadata: usageOf(answer),
    modelVersion: model,
    responseId: "fake-gemini-01",
  };
}

export async function* geminiStream(model: string, answer: FakeAnswer): AsyncGenerator<string> {
  const frame = (body: Record<string, unknown>) => `data: ${JSON.stringify(body)}\r\n\r\n`;
  for (const piece of pieces(answer.text ?? "", answer.chunkSize ?? 4)) {
    await pause(answer.frameDelayMs);
    yield frame({
      candidates: [{ content: { role: "model", parts: [{ text: piece }] }, index: 0 }],
      modelVersion: model,
    });
  }
  const tail = answer.tool ? [{ functionCall: { name: answer.tool.name, args: answer.tool.input } }] : [];
  yield frame({
    candidates: [{ content: { role: "model", parts: tail }, finishReason: "STOP", index: 0 }],
    usageMetadata: usageOf(answer),
    modelVersion: model,
  });
}

/** The model named in `/v1beta/models/{model}:generateContent`. */
export function geminiModelOf(path: string): string {
  return decodeURIComponent(/\/models\/([^/:]+):/.exec(path)?.[1] ?? "unknown");
}
