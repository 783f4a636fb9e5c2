/** The Anthropic Messages wire as the fake provider speaks it (whole answers and SSE frames). */
import { type FakeAnswer, pause, pieces } from "./fake_provider.ts";

export function anthropicReply(body: Record<string, unknown>, answer: FakeAnswer): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (answer.text !== undefined) content.push({ type: "text", text: answer.text });
  if (answer.tool) {
    content.push({ type: "tool_use", id: "toolu_fake01", name: answer.tool.name, input: answer.tool.input });
  }
  return {
    id: "msg_fake01",
    type: "message",
    role: "assistant",
    model: String(body["model"]),
    content,
    stop_reason: answer.tool ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: usageOf(answer),
  };
}

function usageOf(answer: FakeAnswer) {
  return {
    input_tokens: answer.usage.input,
    output_tokens: answer.usage.output,
    cache_read_input_tokens: answer.usage.cacheRead ?? 0,
    cache_creation_input_tokens: 0,
  };
}

const frame = (event: Record<string, unknown>) =>
  `event: ${event["type"]}\ndata: ${JSON.stringify(event)}\n\n`;

export async function* anthropicStream(
  body: Record<string, unknown>,
  answer: FakeAnswer,
): AsyncGenerator<string> {
  const usage = usageOf(answer);
  const start = {
    ...anthropicReply(body, answer),
    content: [],
    stop_reason: null,
    usage: { ...usage, output_tokens: 1 },
  };
  yield frame({ type: "message_start", message: start });
  yield frame({ type: "ping" });
  if (answer.text !== undefined) yield* textBlock(0, answer.text, answer);
  if (answer.tool) yield* toolBlock(answer.text === undefined ? 0 : 1, answer.tool);
  yield frame({
    type: "message_delta",
    delta: { stop_reason: answer.tool ? "tool_use" : "end_turn", stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  yield frame({ type: "message_stop" });
}

async function* textBlock(index: number, text: string, answer: FakeAnswer): AsyncGenerator<string> {
  yield frame({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
  for (const piece of pieces(text, answer.chunkSize ?? 4)) {
    await pause(answer.frameDelayMs);
    yield frame({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
  }
  yield frame({ type: "content_block_stop", index });
}

function* toolBlock(index: number, tool: NonNullable<FakeAnswer["tool"]>): Generator<string> {
  const block = { type: "tool_use", id: "toolu_fake01", name: tool.name, input: {} };
  yield frame({ type: "content_block_start", index, content_block: block });
  for (const piece of pieces(JSON.stringify(tool.input), 7)) {
    yield frame({
      type: "content_block_delta",
      index,
      delta: { type: "input_json_delta", partial_json: piece },
    });
  }
  yield frame({ type: "content_block_stop", index });
}
