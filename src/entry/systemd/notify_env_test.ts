import assert from "node:assert/strict";
import { parseNotifyTarget, watchdogIntervalMs } from "./notify_env.ts";

Deno.test("parseNotifyTarget() reads paths, abstract names and refuses other transports", () => {
  assert.deepEqual(parseNotifyTarget(undefined), { kind: "none" });
  assert.deepEqual(parseNotifyTarget(""), { kind: "none" });
  assert.deepEqual(parseNotifyTarget("/run/systemd/notify"), { kind: "path", path: "/run/systemd/notify" });
  assert.deepEqual(parseNotifyTarget("@sd-notify"), { kind: "path", path: "\0sd-notify" });
  assert.deepEqual(parseNotifyTarget("vsock:2:1234"), { kind: "unsupported", value: "vsock:2:1234" });
  assert.deepEqual(parseNotifyTarget("@"), { kind: "unsupported", value: "@" });
});

Deno.test("watchdogIntervalMs() pings at half the timeout, only for this process", () => {
  assert.equal(watchdogIntervalMs({}, 42), undefined);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "30000000" }, 42), 15_000);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "42" }, 42), 15_000);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "7" }, 42), undefined);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "50000" }, 42), 100);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "0" }, 42), undefined);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "soon" }, 42), undefined);
});
