import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the CLI keeps feature tables when --cache-dir is not given: CONVSCOPE_CACHE_DIR, else the
 * user's cache folder (XDG_CACHE_HOME or ~/.cache): never inside the folder or workspace analysed.
 * The extension passes its global storage folder instead.
 */
export function defaultFeatureCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONVSCOPE_CACHE_DIR) return path.join(env.CONVSCOPE_CACHE_DIR, 'features');
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'convscope', 'features');
}
