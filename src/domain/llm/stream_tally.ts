import type { StopReason, StreamEvent, Usage } from "./types.ts";
import { ZERO_USAGE } from "./types.ts";

/**
 * Follows a canonical stream for the record: usage (message_start's, overwritten field by field by
 * message_delta's cumulative counters), the stop reason, and whether the message completed.
 */
export interface StreamTally {
  readonly usage: Usage;
  readonly stopReason: StopReason | null;
  readonly completed: boolean;
  readonly upstreamModel: string | undefined;
  readonly error: string | undefined;
}

export function emptyTally(): StreamTally {
  return {
    usage: ZERO_USAGE,
    stopReason: null,
    completed: false,
    upstreamModel: undefined,
    error: undefined,
  };
}

export function tallyEvent(tally: StreamTally, event: StreamEvent): StreamTally {
  switch (event.type) {
    case "message_start":
      return { ...tally, usage: event.message.usage, upstreamModel: event.message.model };
    case "message_delta":
      return { ...tally, usage: { ...tally.usage, ...event.usage }, stopReason: event.delta.stop_reason };
    case "message_stop":
      return { ...tally, completed: true };
    case "error":
      return { ...tally, error: `${event.error.type}: ${event.error.message}` };
    default:
      return tally;
  }
}
