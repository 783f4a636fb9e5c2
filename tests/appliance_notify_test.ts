import assert from "node:assert/strict";
import { testDbMode } from "./support/db.ts";
import { freePort, spawnSystemprompt } from "./support/process.ts";
import { createTestHome } from "./support/test_app.ts";
import { openNotifySocket, waitFor } from "./support/appliance.ts";

// The real executable under a fake systemd: a datagram socket standing in for NOTIFY_SOCKET.
// Embedded database by design; once is enough.
const ignore = testDbMode() === "postgres";
const BOOT_LIMIT_MS = 120_000;

Deno.test({
  name: "serve sends READY=1 once listening, WATCHDOG=1 pings and STOPPING=1 on SIGTERM (sd_notify)",
  ignore,
  async fn() {
    await using home = await createTestHome("sp_notify_");
    const socketPath = `${home.home}/notify.sock`;
    const socket = await openNotifySocket(socketPath);
    const port = freePort();
    const env = {
      SYSTEMPROMPT_HOME: home.home,
      SYSTEMPROMPT_PORT: String(port),
      NOTIFY_SOCKET: socketPath,
      WATCHDOG_USEC: "400000",
    };
    try {
      await using server = spawnSystemprompt(["infra", "services", "start"], env, home.home);
      const ready = await waitFor(
        "READY=1",
        () => socket.messages.find((m) => m.text.startsWith("READY=1")),
        BOOT_LIMIT_MS,
      );
      assert.match(ready.text, new RegExp(`^READY=1\nSTATUS=serving on http://127\\.0\\.0\\.1:${port}$`));
      // READY means migrated and listening: health answers at once.
      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.equal((await health.json() as Record<string, unknown>)["database"], "ok");
      await waitFor("two watchdog pings", () => {
        const pings = socket.messages.filter((m) => m.text === "WATCHDOG=1" && m.at >= ready.at);
        return pings.length >= 2 ? pings : undefined;
      }, 5_000);
      server.process.kill("SIGTERM");
      assert.equal(await server.exited(30_000), 0);
      const texts = socket.messages.map((m) => m.text);
      const stopping = texts.findIndex((t) => t.startsWith("STOPPING=1"));
      assert.ok(stopping > 0, `no STOPPING=1 among ${JSON.stringify(texts)}`);
      assert.equal(texts[stopping], "STOPPING=1\nSTATUS=draining after SIGTERM");
      assert.ok(!texts.slice(stopping + 1).includes("WATCHDOG=1"), "watchdog pings after STOPPING=1");
    } finally {
      await socket.close();
    }
  },
});

Deno.test({
  name: "without NOTIFY_SOCKET the server sends nothing and logs nothing about systemd",
  ignore,
  async fn() {
    await using home = await createTestHome("sp_notify_off_");
    const port = freePort();
    const env = { SYSTEMPROMPT_HOME: home.home, SYSTEMPROMPT_PORT: String(port), WATCHDOG_USEC: "400000" };
    await using server = spawnSystemprompt(["infra", "services", "start"], env, home.home);
    await waitFor("the banner", () => server.stdout().includes("is running at") || undefined, BOOT_LIMIT_MS);
    server.process.kill("SIGTERM");
    assert.equal(await server.exited(30_000), 0);
    assert.doesNotMatch(server.stderr(), /systemd\./);
  },
});
