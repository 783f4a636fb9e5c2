/**
 * The signal of one outbound call: it aborts when the caller's signal does, or after `ms` with a
 * `TimeoutError` (as `AbortSignal.timeout` does), and disposing it lets go of both.
 *
 * `AbortSignal.any([caller, AbortSignal.timeout(ms)])` cannot be let go of: the timeout's timer keeps
 * the combined signal, and every listener the call registered on it, reachable until it fires — the
 * whole timeout, long after the call — so at a few hundred calls a second each call's objects reach
 * V8's old generation and the major collections that clear them show in the latency tail. (Deno used
 * to abort every request's signal after its answer, which happened to release them early.)
 */
export interface CallSignal extends Disposable {
  readonly signal: AbortSignal;
  /** True once the deadline, not the caller, aborted the call. */
  readonly timedOut: boolean;
}

export function callSignal(caller: AbortSignal, ms: number): CallSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(caller.reason);
  if (caller.aborted) controller.abort(caller.reason);
  else caller.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException("The operation timed out.", "TimeoutError"));
  }, ms);
  Deno.unrefTimer(timer);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    [Symbol.dispose]() {
      clearTimeout(timer);
      caller.removeEventListener("abort", onAbort);
    },
  };
}
