import assert from "node:assert/strict";
import { systemClock } from "@shared/clock.ts";
import type { UpstreamConnection, UpstreamStatus } from "./mcp_types.ts";
import { UpstreamSlot } from "./mcp_upstream.ts";

/** A connection whose end the test controls. */
function fakeConnection(): UpstreamConnection & { end(): void; closed: boolean } {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const conn = {
    listTools: () => Promise.resolve([]),
    callTool: () => Promise.resolve({ content: [] }),
    content: () => Promise.resolve({}),
    features: { resources: false, prompts: false },
    ping: () => Promise.resolve(),
    close: () => {
      conn.closed = true;
      end();
      return Promise.resolve();
    },
    ended,
    injected: [],
    end: () => end(),
    closed: false,
  };
  return conn;
}

function slotWith(connect: () => Promise<UpstreamConnection>, transitions: string[]) {
  return new UpstreamSlot({
    name: "s",
    enabled: true,
    clock: systemClock,
    connect,
    onTransition: (from: UpstreamStatus, to: UpstreamStatus) => void transitions.push(`${from}->${to}`),
  });
}

Deno.test("UpstreamSlot opens once, restarts after an unexpected end, and a caller waits for the restart", async () => {
  const conns: ReturnType<typeof fakeConnection>[] = [];
  const transitions: string[] = [];
  const slot = slotWith(() => {
    const conn = fakeConnection();
    conns.push(conn);
    return Promise.resolve(conn);
  }, transitions);
  const [a, b] = await Promise.all([slot.connection(), slot.connection()]);
  assert.equal(a, b, "concurrent callers share one open");
  assert.equal(slot.status, "running");
  conns[0]!.end();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(slot.status, "error");
  const next = await slot.connection();
  assert.equal(next, conns[1]);
  assert.equal(slot.restarts, 1);
  assert.deepEqual(transitions, [
    "stopped->starting",
    "starting->running",
    "running->error",
    "error->starting",
    "starting->running",
  ]);
  await slot.stop();
  assert.equal(conns[1]!.closed, true);
  assert.equal(slot.status, "stopped");
});

Deno.test("UpstreamSlot reports a failed start as mcp.server_unavailable and backs off", async () => {
  let attempts = 0;
  const slot = slotWith(() => {
    attempts++;
    return Promise.reject(new Error("spawn failed"));
  }, []);
  await assert.rejects(
    slot.connection(),
    (e: unknown) => (e as { code?: string }).code === "mcp.server_unavailable",
  );
  assert.equal(slot.status, "error");
  assert.match(slot.lastError ?? "", /start failed/);
  await assert.rejects(slot.connection());
  assert.equal(attempts, 2, "the pending restart (200 ms) was awaited, then tried once");
  await slot.stop();
});

Deno.test("a disabled UpstreamSlot never connects", async () => {
  const slot = new UpstreamSlot({
    name: "off",
    enabled: false,
    clock: systemClock,
    connect: () => Promise.reject(new Error("must not be called")),
    onTransition: () => {},
  });
  assert.equal(slot.status, "disabled");
  await assert.rejects(slot.connection(), /disabled/);
});
