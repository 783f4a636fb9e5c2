import assert from "node:assert/strict";
import type { LogFields, Logger } from "@shared/logger.ts";
import { openSystemdNotifier } from "./notify.ts";

function recordingLogger(): { log: Logger; events: string[] } {
  const events: string[] = [];
  const note = (event: string, _fields?: LogFields) => void events.push(event);
  const log: Logger = { debug: note, info: note, warn: note, error: note, child: () => log };
  return { log, events };
}

/** A datagram socket that records what is sent where (and can be told to fail). */
function fakeDatagrams(options: { fail?: boolean } = {}) {
  const sent: { text: string; path: string }[] = [];
  const bound: string[] = [];
  let closed = false;
  const listen = (o: { path: string }) => {
    bound.push(o.path);
    return {
      send: (bytes: Uint8Array, to: { path: string }) => {
        if (options.fail) return Promise.reject(new Error("ECONNREFUSED"));
        sent.push({ text: new TextDecoder().decode(bytes), path: to.path });
        return Promise.resolve(bytes.length);
      },
      close: () => void (closed = true),
    } as unknown as Deno.DatagramConn;
  };
  return { listen, sent, bound, closed: () => closed };
}

Deno.test("openSystemdNotifier() does nothing without NOTIFY_SOCKET", async () => {
  const fake = fakeDatagrams();
  await using notifier = openSystemdNotifier({}, recordingLogger().log, { listenDatagram: fake.listen });
  await notifier.ready("serving");
  assert.equal(notifier.enabled, false);
  assert.deepEqual(fake.bound, []);
});

Deno.test("openSystemdNotifier() says why it cannot notify when datagram sockets are unavailable", async () => {
  const { log, events } = recordingLogger();
  await using notifier = openSystemdNotifier({ NOTIFY_SOCKET: "/run/systemd/notify" }, log, {
    listenDatagram: undefined,
  });
  assert.equal(notifier.enabled, false);
  assert.deepEqual(events, ["systemd.notify_unavailable"]);
});

Deno.test("openSystemdNotifier() sends READY, watchdog pings until STOPPING, from an abstract address", async () => {
  const fake = fakeDatagrams();
  const env = { NOTIFY_SOCKET: "@sd-notify", WATCHDOG_USEC: "200000" };
  {
    await using notifier = openSystemdNotifier(env, recordingLogger().log, {
      listenDatagram: fake.listen,
      pid: 7,
    });
    assert.equal(notifier.enabled, true);
    await notifier.ready("serving on http://127.0.0.1:8080");
    await new Promise((r) => setTimeout(r, 280));
    await notifier.stopping("draining after SIGTERM");
    await new Promise((r) => setTimeout(r, 150));
  }
  const texts = fake.sent.map((s) => s.text);
  assert.equal(texts[0], "READY=1\nSTATUS=serving on http://127.0.0.1:8080");
  assert.ok(texts.filter((t) => t === "WATCHDOG=1").length >= 2, JSON.stringify(texts));
  assert.equal(texts.at(-1), "STOPPING=1\nSTATUS=draining after SIGTERM");
  assert.ok(fake.sent.every((s) => s.path === "\0sd-notify"));
  assert.match(fake.bound[0]!, /^\0systemprompt-notify-[0-9a-f-]{36}$/);
  assert.equal(fake.closed(), true);
});

Deno.test("openSystemdNotifier() logs a failed send once and never throws", async () => {
  const { log, events } = recordingLogger();
  const fake = fakeDatagrams({ fail: true });
  await using notifier = openSystemdNotifier({ NOTIFY_SOCKET: "/run/systemd/notify" }, log, {
    listenDatagram: fake.listen,
  });
  await notifier.ready("serving");
  await notifier.stopping("draining");
  assert.deepEqual(events, ["systemd.notify_failed"]);
});
