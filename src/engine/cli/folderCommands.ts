import * as path from 'node:path';
import { UserError } from '../errors';
import { defaultFeatureCacheDir } from '../dataset/cacheLocation';
import { FeatureCache } from '../dataset/featureCache';
import { openImageFolder, type ImageSource } from '../dataset/imageFolder';
import { optionDefaults, validateOptions } from '../methods/descriptor';
import type { AnyFolderMethod, FolderOutcome } from '../features/descriptor';
import { folderMethods } from '../features/catalog';
import { numberFlag, requireFlag, type Flags } from './args';
import type { CommandContext, CommandOutput } from './commandTypes';
import { commandHeader } from './header';
import { methodOptionsFromFlags } from './methodFlags';
import { presentFolderResult } from './folderOutput';

/**
 * Runs a folder method as a CLI command: the folder from --images (--limit N: a seeded sample,
 * --seed), the cache from --cache-dir (default: the user's cache folder; --no-cache: none), the
 * method's options from its flags, the cost printed first; Ctrl-C stops and keeps what is done.
 */
export async function runFolderCommand(d: AnyFolderMethod, ctx: CommandContext): Promise<CommandOutput> {
  const { flags, session } = ctx;
  const source = openSource(flags);
  const given = validateOptions(d, methodOptionsFromFlags(d, flags, false));
  const budget = numberFlag(flags, 'memory-budget', { min: 1 });
  const options = d.resolve({ ...optionDefaults(d), ...given, ...(budget === undefined ? {} : { memoryBudgetBytes: budget * 1024 * 1024 }) }, session.model, source);
  ctx.announce(`${d.command}: ${source.images.length} image${source.images.length === 1 ? '' : 's'}${source.total > source.images.length ? ` (a sample of ${source.total})` : ''}; ${d.cost(options, session.model, source).summary}`);
  const cache = new FeatureCache(flags['no-cache'] ? undefined : typeof flags['cache-dir'] === 'string' ? flags['cache-dir'] : defaultFeatureCacheDir());
  const result = (await d.run({ model: session.model, source, cache, progress: ctx.progress, signal: ctx.signal, stop: ctx.stop }, options)) as FolderOutcome;
  const shown = (file: string) => path.relative(process.cwd(), file) || file;
  const presented = await presentFolderResult(d.command, result, { session, source, signal: ctx.signal, shown });
  const summary = `${result.computed} through the model, ${result.cached} from the cache, ${result.skipped.length} skipped${result.stopped ? '; stopped early' : ''}`;
  return {
    text: `${presented.text}\n${summary}`,
    json: { ...commandHeader(session), images: shown(source.root), ...presented.json, skipped: result.skipped.map((s) => ({ path: shown(s.path), reason: s.reason })), computed: result.computed, cached: result.cached, stopped: result.stopped },
    png: presented.png,
    warnings: result.warnings,
  };
}

function openSource(flags: Flags): ImageSource {
  const dir = requireFlag(flags, 'images', '(a folder of images; one subfolder per label)');
  const limit = numberFlag(flags, 'limit', { integer: true, min: 1 });
  const seed = numberFlag(flags, 'seed', { integer: true, min: 0 });
  if (flags['no-cache'] && flags['cache-dir'] !== undefined) throw new UserError('give either --cache-dir or --no-cache, not both');
  return openImageFolder(dir, { limit, seed });
}

export const folderCommands: Record<string, (ctx: CommandContext) => Promise<CommandOutput>> = Object.fromEntries(folderMethods().map((d) => [d.command, (ctx: CommandContext) => runFolderCommand(d, ctx)]));

/** Folder commands whose result has a picture for --out. */
export const folderCommandsWithImages = ['neighbors', 'embed', 'patches'];
