// Long embeddings run inside the engine process, which also has to hear "cancel" and send progress.
// JavaScript only delivers those between tasks, so the loops call `pause` every few dozen steps.
import { CancelledError } from '../../methods/types';

/** Lets the event loop run (IPC messages, abort signals), then throws if the job was cancelled. */
export async function pause(signal?: AbortSignal): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw new CancelledError();
}

/** Throws at once if the job was cancelled (before starting work). */
export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}
