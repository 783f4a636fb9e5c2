/**
 * Group commit for writes that are off the latency path (a finished call's rows): the first item
 * queued waits `lingerMs` for company, then everything queued is written as one batch (at most
 * `maxBatch`). Items that arrive while a batch is written wait for the next linger rather than
 * follow at once: draining greedily turned one 20-ms batch into a train of one- and two-row batches
 * behind it at a few hundred calls a second, each a round trip that wakes a database backend and
 * this process (twice the statements for the same rows). Only a full queue or a closed one is
 * written without lingering.
 *
 * `flush()` waits until everything queued so far is written; disposing flushes. `write` deals with
 * its own failures (retries, logging the rows it gives up on); a write that still rejects goes to
 * `onError` and the queue carries on.
 */
export interface LingerQueue<T> extends AsyncDisposable {
  push(item: T): void;
  flush(): Promise<void>;
  /** Items queued and not yet handed to `write`. */
  depth(): number;
}

export interface LingerQueueOptions<T> {
  readonly lingerMs: number;
  readonly maxBatch: number;
  readonly write: (batch: T[]) => Promise<void>;
  readonly onError: (error: unknown) => void;
}

export function createLingerQueue<T>(options: LingerQueueOptions<T>): LingerQueue<T> {
  const queue: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const schedule = () => {
    if (running || queue.length === 0) return;
    if (closed || queue.length >= options.maxBatch) start();
    else timer ??= setTimeout(start, options.lingerMs);
  };
  const start = () => {
    clearTimeout(timer);
    timer = undefined;
    if (running) return;
    running = options.write(queue.splice(0, options.maxBatch)).catch(options.onError).finally(() => {
      running = undefined;
      schedule();
    });
  };
  const flush = async () => {
    while (running || queue.length > 0) {
      if (!running) start();
      await running;
    }
  };
  return {
    push: (item) => {
      queue.push(item);
      schedule();
    },
    flush,
    depth: () => queue.length,
    [Symbol.asyncDispose]: async () => {
      closed = true;
      await flush();
    },
  };
}
