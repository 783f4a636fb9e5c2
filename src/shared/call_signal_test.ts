import assert from "node:assert/strict";
import { callSignal } from "./call_signal.ts";

Deno.test("callSignal() aborts with the caller's reason, and not after it is disposed", () => {
  const caller = new AbortController();
  const call = callSignal(caller.signal, 60_000);
  caller.abort("client gone");
  assert.equal(call.signal.aborted, true);
  assert.equal(call.signal.reason, "client gone");
  assert.equal(call.timedOut, false);
  call[Symbol.dispose]();

  const later = new AbortController();
  const done = callSignal(later.signal, 60_000);
  done[Symbol.dispose]();
  later.abort("after the call");
  assert.equal(done.signal.aborted, false, "a finished call no longer listens to its caller");
});

Deno.test("callSignal() times out with a TimeoutError and says so", async () => {
  using call = callSignal(new AbortController().signal, 5);
  // The deadline's timer is unref'd (it must not keep a process alive): hold the loop open meanwhile.
  let hold: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    new Promise((resolve) => call.signal.addEventListener("abort", resolve, { once: true })),
    new Promise((resolve) => hold = setTimeout(resolve, 2_000)),
  ]);
  clearTimeout(hold);
  assert.equal(call.timedOut, true);
  assert.ok(call.signal.reason instanceof DOMException);
  assert.equal((call.signal.reason as DOMException).name, "TimeoutError");
});

Deno.test("callSignal() of an already aborted caller is aborted at once", () => {
  const caller = new AbortController();
  caller.abort("gone");
  using call = callSignal(caller.signal, 60_000);
  assert.equal(call.signal.aborted, true);
  assert.equal(call.signal.reason, "gone");
});
