/** The OpenAI Chat Completions wire as the fake provider speaks it (whole answers and SSE chunks). */
import { type FakeAnswer, pause, pieces } from "./fake_provider.ts";

const CREATED = 1_760_000_000;

function usageOf(answer: FakeAnswer) {
  const cached = answer.usage.cacheRead ?? 0;
  return {
    prompt_tokens: answer.usage.input + cached,
    completion_tokens: answer.usage.output,
    total_tokens: answer.usage.input + cached + answer.usage.output,
    prompt_tokens_details: { cached_tokens: cached },
  };
}

function toolCalls(answer: FakeAnswer) {
  return answer.tool
    ? [{
      id: "call_fake01",
      type: "function",
      function: { name: answer.tool.name, arguments: JSON.stringify(answer.tool.input) },
    }]
    : undefined;
}

export function openAiReply(body: Record<string, unknown>, answer: FakeAnswer): Record<string, unknown> {
  const calls = toolCalls(answer);
  return {
    id: "chatcmpl-fake01",
    object: "chat.completion",
    created: CREATED,
    model: String(body["model"]),
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: answer.text ?? null,
        refusal: null,
        ...(calls ? { tool_calls: calls } : {}),
      },
      logprobs: null,
      finish_reason: calls ? "tool_calls" : "stop",
    }],
    usage: usageOf(answer),
    system_fingerprint: "fp_fake",
  };
}

function chunkOf(model: string, delta: Record<string, unknown>, finish: string | null = null): string {
  const choices = [{ index: 0, delta, logprobs: null, finish_reason: finish }];
  return `data: ${
    JSON.stringify({
      id: "chatcmpl-fake01",
      object: "chat.completion.chunk",
      created: CREATED,
      model,
      choices,
    })
  }\n\n`;
}

export async function* openAiStream(
  body: Record<string, unknown>,
  answer: FakeAnswer,
): AsyncGenerator<string> {
  const model = String(body["model"]);
  yield chunkOf(model, { role: "assistant", content: "", refusal: null });
  for (const piece of pieces(answer.text ?? "", answer.chunkSize ?? 4)) {
    await pause(answer.frameDelayMs);
    yield chunkOf(model, { content: piece });
  }
  if (answer.tool) {
    const call = {
      index: 0,
      id: "call_fake01",
      type: "function",
      function: { name: answer.tool.name, arguments: "" },
    };
    yield chunkOf(model, { tool_calls: [call] });
    for (const piece of pieces(JSON.stringify(answer.tool.input), 7)) {
      yield chunkOf(model, { tool_calls: [{ index: 0, function: { arguments: piece } }] });
    }
  }
  yield chunkOf(model, {}, answer.tool ? "tool_calls" : "stop");
  const options = body["stream_options"] as Record<string, unknown> | undefined;
  if (options?.["include_usage"] === true) {
    const usage = {
      id: "chatcmpl-fake01",
      object: "chat.completion.chunk",
      created: CREATED,
      model,
      choices: [],
      usage: usageOf(answer),
    };
    yield `data: ${JSON.stringify(usage)}\n\n`;
  }
  yield "data: [DONE]\n\n";
}
