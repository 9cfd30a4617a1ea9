import type * as P from '../../shared/engineProtocol';
import type { ProgressFn } from '../methods/types';

/** What every handler gets besides its params: cancellation and a progress sink. */
export interface JobContext {
  signal: AbortSignal;
  progress: ProgressFn;
  /** Aborted by the `stop` request: long jobs end early and answer with their partial result (unlike `signal`, cancel). */
  stopSignal?: AbortSignal;
  /** Throttled by the caller: `make` runs only when the preview will be sent. */
  preview?: (make: () => Omit<P.PreviewParams, 'jobId'>) => void;
}
