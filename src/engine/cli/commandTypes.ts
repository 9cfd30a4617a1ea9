import type { RawImage } from '../image/rawImage';
import type { ProgressFn } from '../methods/types';
import type { Flags } from './args';
import type { Session } from './session';

/** What a command produces: text for the terminal, numbers for --json, a picture for --out. */
export interface CommandOutput {
  text: string;
  json: Record<string, unknown>;
  png?: RawImage;
  /** Printed on stderr and written to --json as `warnings` (empty when none). */
  warnings?: string[];
}

export interface CommandContext {
  session: Session;
  flags: Flags;
  progress: ProgressFn;
  signal: AbortSignal;
  /** Ends a long job early with its partial result (the first Ctrl-C of a synthesis). */
  stop?: AbortSignal;
  /** Lines worth printing before a long job starts (e.g. its cost). */
  announce: (line: string) => void;
}
