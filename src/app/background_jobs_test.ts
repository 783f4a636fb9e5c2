import assert from "node:assert/strict";
import type { LogFields, Logger } from "@shared/logger.ts";
import { startBackgroundJobs } from "./background_jobs.ts";

function recordingLogger(events: string[]): Logger {
  const log = (event: string, fields?: LogFields) => void events.push(`${event}:${String(fields?.["job"])}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

Deno.test("startBackgroundJobs() repeats each job, survives failures and stops cleanly", async () => {
  const events: string[] = [];
  let runs = 0;
  let failures = 0;
  const jobs = startBackgroundJobs([
    { name: "count", everyMs: 10, firstAfterMs: 0, run: () => Promise.resolve(++runs) },
    {
      name: "boom",
      everyMs: 10,
      firstAfterMs: 0,
      run: () => {
        failures++;
        return Promise.reject(new Error("nope"));
      },
    },
  ], recordingLogger(events));
  await new Promise((resolve) => setTimeout(resolve, 80));
  await jobs.stop();
  const settled = runs;
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.ok(runs >= 3, `ran ${runs} times`);
  assert.ok(failures >= 3, "a failing job keeps its schedule");
  assert.equal(runs, settled, "nothing runs after stop");
  assert.ok(events.includes("job.failed:boom"));
});
