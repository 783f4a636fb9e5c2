import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";

/**
 * Periodic jobs of a server process, supervised: each runs after `firstAfterMs` and then every
 * `everyMs`, never overlapping itself; a failure is logged and the next run still happens; `stop`
 * cancels the timers and waits for a run in progress. Jobs must be safe on every replica at once.
 */
export interface Job {
  readonly name: string;
  readonly everyMs: number;
  readonly firstAfterMs: number;
  run(): Promise<unknown>;
}

export interface BackgroundJobs {
  stop(): Promise<void>;
}

export function startBackgroundJobs(jobs: readonly Job[], log: Logger): BackgroundJobs {
  let stopped = false;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const running = new Set<Promise<void>>();
  const schedule = (job: Job, delay: number) => {
    if (stopped) return;
    timers.set(
      job.name,
      setTimeout(() => {
        const run = runOnce(job, log).finally(() => {
          running.delete(run);
          schedule(job, job.everyMs);
        });
        running.add(run);
      }, delay),
    );
  };
  for (const job of jobs) schedule(job, job.firstAfterMs);
  return {
    stop: async () => {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.all(running);
    },
  };
}

async function runOnce(job: Job, log: Logger): Promise<void> {
  const started = performance.now();
  try {
    const result = await job.run();
    log.debug("job.finished", { job: job.name, ms: Math.round(performance.now() - started), result });
  } catch (error) {
    log.error("job.failed", { job: job.name, error: describeError(error) });
  }
}
