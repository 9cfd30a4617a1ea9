import { parseArgs } from 'node:util';
import { UserError } from '../errors';

/** The flags of every command but the methods' own (those come from their descriptors: cli/methodFlags.ts). */
const optionSpec = {
  model: { type: 'string' },
  image: { type: 'string' },
  json: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
  // Repeatable (--layer a --layer b): `layer` is the last, `layers` all of them.
  layer: { type: 'string', multiple: true },
  config: { type: 'string' },
  // Repeatable lists of the style command (each value is kept, in order).
  style: { type: 'string', multiple: true },
  'style-layer': { type: 'string', multiple: true },
  channel: { type: 'string' },
  target: { type: 'string' },
  method: { type: 'string' },
  colormap: { type: 'string' },
  opacity: { type: 'string' },
  mode: { type: 'string' },
  top: { type: 'string' },
  'memory-budget': { type: 'string' },
  'input-range': { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  bgr: { type: 'boolean' },
  labels: { type: 'string' },
  // style-train (its weights, layers, steps and size share the style command's flags).
  'content-dir': { type: 'string' },
  'out-model': { type: 'string' },
  batch: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'net-width': { type: 'string' },
  'residual-blocks': { type: 'string' },
  resume: { type: 'boolean' },
  // Folder methods (features, neighbors, embed, patches): the image source and the feature cache.
  images: { type: 'string' },
  limit: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Flags every command knows (the methods' own flags must not redefine them: --layer, --style are repeatable here). */
export const generalFlags: ReadonlySet<string> = new Set(Object.keys(optionSpec));

type GeneralFlags = { [K in keyof typeof optionSpec]?: (typeof optionSpec)[K]['type'] extends 'boolean' ? boolean : string };
/** The general flags by name, plus the methods' flags (strings) under their CLI names; `layers` holds every --layer given. */
export type Flags = GeneralFlags & { layers?: string[] } & { [flag: string]: string | boolean | string[] | undefined };

export interface ParsedArgs {
  command: string | undefined;
  flags: Flags;
}

/** `extraFlags`: string flags beyond the general ones (the registered methods' flags). */
export function parseCommandLine(argv: string[], extraFlags: readonly string[] = []): ParsedArgs {
  try {
    const options = { ...Object.fromEntries(extraFlags.map((f) => [f, { type: 'string' as const }])), ...optionSpec };
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if (positionals.length > 1) throw new UserError(`unexpected argument '${positionals[1]}'`);
    const { layer, ...rest } = values as Record<string, unknown>;
    const layers = layer as string[] | undefined;
    const flags = { ...rest, ...(layers ? { layer: layers[layers.length - 1], layers } : {}) } as Flags;
    return { command: positionals[0], flags };
  } catch (e) {
    if (e instanceof UserError) throw e;
    const message = (e as Error).message;
    // Node's hint about positionals after '--' does not apply to convscope.
    if ((e as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UserError(`${message.split('. ')[0]!.replace(/^Unknown option/, 'unknown option')}; see convscope --help`);
    // Keep the hint of "--target -1" (write --target=-1) on the one line.
    throw new UserError(message.split('\n').filter((l) => !l.startsWith('Did you forget')).join(' '));
  }
}

export function requireFlag(flags: Flags, name: keyof Flags, why: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new UserError(`--${name} is required ${why}`);
  return v;
}

export function numberFlag(flags: Flags, name: keyof Flags, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const ok = typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(v) && (!opts.integer || Number.isInteger(v)) && (opts.min === undefined || v >= opts.min) && (opts.max === undefined || v <= opts.max);
  if (!ok) {
    const range = opts.min !== undefined || opts.max !== undefined ? ` in [${opts.min ?? '-∞'}, ${opts.max ?? '∞'}]` : '';
    throw new UserError(`--${name} must be ${opts.integer ? 'an integer' : 'a number'}${range}; got '${String(raw)}'`);
  }
  return v;
}

export function listFlag(flags: Flags, name: keyof Flags, length?: number): number[] | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const values = String(raw).split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v)) || (length !== undefined && values.length !== length)) {
    throw new UserError(`--${name} must be ${length ?? 'a list of'} comma-separated numbers; got '${String(raw)}'`);
  }
  return values;
}

export function choiceFlag<T extends string>(flags: Flags, name: keyof Flags, choices: readonly T[]): T | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) throw new UserError(`--${name} must be one of ${choices.join(', ')}; got '${String(raw)}'`);
  return raw as T;
}
