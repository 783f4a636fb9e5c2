import assert from "node:assert/strict";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import { systemClock } from "@shared/clock.ts";
import { silentLogger } from "@shared/logger.ts";
import { Secret } from "@shared/secret.ts";
import { environmentKey, OwnerChildren } from "./mcp_owners.ts";
import type { UpstreamConnection } from "./mcp_types.ts";

function fakeConnection(id: number, closed: number[]): UpstreamConnection {
  return {
    listTools: () => Promise.resolve([]),
    callTool: () => Promise.resolve({ content: [{ type: "text", text: String(id) }] }),
    content: () => Promise.resolve({}),
    features: { resources: false, prompts: false },
    ping: () => Promise.resolve(),
    close: () => {
      closed.push(id);
      return Promise.resolve();
    },
    ended: new Promise<void>(() => {}),
    injected: [],
  };
}

Deno.test("per-owner children: one per key, reused, stopped after the idle timeout", async () => {
  const closed: number[] = [];
  let started = 0;
  const owners = new OwnerChildren({
    clock: systemClock,
    log: silentLogger,
    connect: () => Promise.resolve(fakeConnection(++started, closed)),
    onTransition: () => {},
  });
  const server = { name: "s", idle_timeout_ms: 50 } as McpServerConfig;
  const env = { TOKEN: new Secret("value-a") };
  const call = (key: string) =>
    owners.use(server, key, env, async (c) => (await c.callTool("t", {}, {} as never)).content[0]?.text);
  assert.equal(await call("a"), "1");
  assert.equal(await call("a"), "1");
  assert.equal(await call("b"), "2");
  assert.equal(owners.count("s"), 2);
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.equal(owners.count("s"), 0);
  assert.deepEqual(closed.sort(), [1, 2]);
  assert.equal(await call("a"), "3", "started again on the next use");
  await owners.stop();
  assert.equal(owners.count("s"), 0);
});

Deno.test("environmentKey depends on the values and the key, and never contains a value", async () => {
  const key = new Uint8Array(32).fill(7);
  const a = await environmentKey(key, [new Secret("alpha-secret")]);
  assert.equal(a, await environmentKey(key, [new Secret("alpha-secret")]));
  assert.notEqual(a, await environmentKey(key, [new Secret("bravo-secret")]));
  assert.notEqual(a, await environmentKey(new Uint8Array(32).fill(8), [new Secret("alpha-secret")]));
  assert.match(a, /^[0-9a-f]{64}$/);
});
