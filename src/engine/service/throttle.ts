/**
 * A gate that opens at most once per `intervalMs`: the first call passes, later ones pass only
 * when `intervalMs` has gone by since the last that passed. Used to keep a job's previews (and the
 * read-backs and PNG encodings that make them) to a couple a second whatever the batch rate.
 */
export function throttleGate(intervalMs: number, now: () => number = Date.now): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}

/** How often a job may send a preview: about two a second. */
export const previewIntervalMs = 500;
