import type { LineJournal } from "@infra/audit/journal.ts";
import { isDatabaseUnavailable } from "@infra/audit/unavailable.ts";
import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { decodeRecord } from "./codec.ts";
import { normalizeDecision } from "./normalize.ts";
import type { NewDecisionRecord } from "./record.ts";

/**
 * Replays the journal's sealed segments in order (each line one decision record), in chunks of
 * `maxBatch`, deleting each segment once all of it is committed. "Database unreachable" is thrown
 * to the caller's retry loop; a segment that cannot be decoded or that the database refuses for
 * another reason is set aside as `<segment>.rejected` and logged, never dropped.
 */
export interface ReplayDeps {
  readonly journal: LineJournal;
  readonly log: Logger;
  readonly maxBatch: number;
  insert(records: readonly NewDecisionRecord[]): Promise<unknown>;
}

export async function replayJournal(deps: ReplayDeps): Promise<number> {
  let replayed = 0;
  for (const segment of await deps.journal.pendingSegments()) {
    const records = await decodeSegment(deps, segment);
    if (records && await insertAll(deps, segment, records)) {
      await deps.journal.removeSegment(segment);
      replayed += records.length;
    }
  }
  if (replayed > 0) deps.log.info("audit.journal_replayed", { rows: replayed });
  return replayed;
}

async function decodeSegment(deps: ReplayDeps, segment: string): Promise<NewDecisionRecord[] | undefined> {
  try {
    const lines = await deps.journal.readSegment(segment);
    return lines.map((line) => normalizeDecision(decodeRecord(JSON.parse(line))));
  } catch (error) {
    await setAside(deps, segment, error);
    return undefined;
  }
}

async function insertAll(deps: ReplayDeps, segment: string, records: readonly NewDecisionRecord[]) {
  for (let i = 0; i < records.length; i += deps.maxBatch) {
    try {
      await deps.insert(records.slice(i, i + deps.maxBatch));
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      await setAside(deps, segment, error);
      return false;
    }
  }
  return true;
}

async function setAside(deps: ReplayDeps, segment: string, error: unknown): Promise<void> {
  const kept = await deps.journal.quarantineSegment(segment);
  deps.log.error("audit.journal_segment_rejected", { segment: kept, error: describeError(error) });
}
