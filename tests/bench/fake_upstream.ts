/**
 * The `llm` suite's fake model provider, as its own process: the Anthropic Messages wire (whole
 * answers) from tests/_fixtures, answering at once with an echo of the last user text. Both the
 * gateway and the direct calls of the suite go to this one upstream. Prints `{url, pid}` once it
 * listens; runs until SIGTERM.
 */
import { anthropicReply } from "../_fixtures/fake_anthropic_wire.ts";

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
  const body = await request.json() as Record<string, unknown>;
  const messages = Array.isArray(body["messages"]) ? body["messages"] as { content?: unknown }[] : [];
  const text = String(messages.at(-1)?.content ?? "");
  return Response.json(anthropicReply(body, { text: `echo: ${text}`, usage: { input: 12, output: 7 } }));
});
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.addr.port}`, pid: Deno.pid }));
await new Promise<void>((resolve) => Deno.addSignalListener("SIGTERM", resolve));
await server.shutdown();
Deno.exit(0);
