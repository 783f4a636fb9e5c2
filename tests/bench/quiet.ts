import { sleep } from "./load_windows.ts";
import { machineCpu } from "./proc_stats.ts";

/**
 * These two cores are shared with other tenants (other agents' test runs). Before each
 * measurement we wait, within a budget for the whole run, until the machine has been nearly idle
 * (< `threshold` cores busy) for half a second, so bursts of foreign load fall between
 * measurements rather than inside them. What remains is reported per pass (`cpu.other`).
 */
export interface QuietGate {
  /** Waits for quiet (at most `maxMs` and what is left of the budget); returns the ms waited. */
  wait(maxMs: number): Promise<number>;
  readonly waitedMs: number;
}

export function createQuietGate(budgetMs: number, threshold = 0.25): QuietGate {
  let waited = 0;
  return {
    get waitedMs() {
      return waited;
    },
    async wait(maxMs) {
      const started = performance.now();
      const limit = Math.min(maxMs, Math.max(0, budgetMs - waited));
      while (true) {
        const a = await machineCpu();
        await sleep(500);
        const b = await machineCpu();
        const cores = (b.busy - a.busy) / ((b.total - a.total) / navigator.hardwareConcurrency || 1);
        if (cores < threshold || performance.now() - started >= limit) break;
      }
      const ms = Math.round(performance.now() - started);
      waited += ms;
      return ms;
    },
  };
}
