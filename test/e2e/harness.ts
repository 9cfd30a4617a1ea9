// End-to-end harness: the extension in a real VS Code (code-server on Node 24) driven by
// playwright-core in Debian's chromium. Recipe and selectors: /work/shared/E2E.md.
// Install the tools with scripts/e2e/setup.sh; run a test script with scripts/e2e/run.sh.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { CLEAN_SETTINGS, CODE_SERVER_VERSION, e2ePaths, freePort, groupMembers, installExtensions, isolatedEnv, onExitSync, startCodeServer, type CodeServer } from './codeServer';
import { exactly, retryUntil, sleep } from './wait';

export { CLEAN_SETTINGS, e2ePaths, groupMembers, onExitSync, packageVsix } from './codeServer';
export { exactly, retryUntil } from './wait';

export interface HarnessOptions {
  /** Folder to open in the workbench. */
  workspace: string;
  /** VSIX files to install before the server starts. */
  vsix?: string | string[];
  /** Extra user settings (merged over CLEAN_SETTINGS). */
  settings?: Record<string, unknown>;
  /** Screenshots and logs go here (default test-output/e2e, relative to the current folder). */
  artifactsDir?: string;
  /** Prefix of the log files copied into artifactsDir at stop() (default 'code-server'). */
  name?: string;
  /** Default: a free port. */
  port?: number;
  /** Extra environment for code-server (and so for the extension host and its children). */
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** Limit for the server to answer /healthz and the workbench to show its status bar. */
  startTimeoutMs?: number;
  /** Keep the temp folder (HOME, user data, extensions) after stop(). */
  keepTemp?: boolean;
  log?: (line: string) => void;
}

export interface TreeView {
  header: Locator;
  pane: Locator;
  rows: Locator;
  /** The row whose label is exactly `label` (a string) or matches it (a RegExp). */
  row(label: string | RegExp): Locator;
  /** Opens the section if it is collapsed; waits until the header shows. */
  expand(timeoutMs?: number): Promise<void>;
}

export class VsCodeHarness {
  readonly page: Page;
  readonly browser: Browser;
  readonly server: CodeServer;
  readonly url: string;
  /** Temp folder with HOME, user data and extensions (removed by stop() unless keepTemp). */
  readonly root: string;
  readonly userDataDir: string;
  readonly artifactsDir: string;
  private readonly options: HarnessOptions;
  private readonly forgetRoot: () => void;
  /** Browser console messages and page errors so far (all frames, webviews included). */
  readonly consoleLines: string[];
  private stopped = false;

  private constructor(init: { page: Page; browser: Browser; server: CodeServer; url: string; root: string; userDataDir: string; artifactsDir: string; options: HarnessOptions; forgetRoot: () => void; consoleLines: string[] }) {
    this.page = init.page;
    this.browser = init.browser;
    this.server = init.server;
    this.url = init.url;
    this.root = init.root;
    this.userDataDir = init.userDataDir;
    this.artifactsDir = init.artifactsDir;
    this.options = init.options;
    this.forgetRoot = init.forgetRoot;
    this.consoleLines = init.consoleLines;
  }

  /** Installs the VSIX files, starts code-server and chromium, opens the workspace. */
  static async start(options: HarnessOptions): Promise<VsCodeHarness> {
    const p = e2ePaths();
    for (const [what, file] of [['Node 24', p.node], ['code-server', p.codeServer], ['chromium', p.chromium]] as const) {
      if (!existsSync(file)) throw new Error(`${what} not found at ${file}: run scripts/e2e/setup.sh first`);
    }
    const log = options.log ?? ((line: string) => console.log(`[e2e] ${line}`));
    const startTimeout = options.startTimeoutMs ?? 90_000;
    const artifactsDir = resolve(options.artifactsDir ?? 'test-output/e2e');
    mkdirSync(artifactsDir, { recursive: true });
    const root = mkdtempSync(join(tmpdir(), 'convscope-e2e-'));
    const forgetRoot = options.keepTemp ? () => undefined : onExitSync(() => rmSync(root, { recursive: true, force: true }));
    const dirs = { userData: join(root, 'user-data'), extensions: join(root, 'extensions') };
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    writeFileSync(join(dirs.userData, 'User/settings.json'), JSON.stringify({ ...CLEAN_SETTINGS, ...options.settings }, null, 2));
    const env = isolatedEnv(root, options.env);
    env.PATH = `${join(p.node, '..')}:${env.PATH ?? ''}`;

    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    const consoleLines: string[] = [];
    try {
      let t = Date.now();
      const vsix = options.vsix === undefined ? [] : Array.isArray(options.vsix) ? options.vsix : [options.vsix];
      await installExtensions(vsix, dirs, env);
      if (vsix.length) log(`installed ${vsix.map((v) => basename(v)).join(', ')} (${Date.now() - t} ms)`);

      t = Date.now();
      const port = options.port ?? (await freePort());
      server = await startCodeServer({ port, dirs, env, logFile: join(root, 'code-server.log'), timeoutMs: startTimeout });
      log(`code-server ${CODE_SERVER_VERSION} up on 127.0.0.1:${port} (${Date.now() - t} ms)`);

      t = Date.now();
      browser = await chromium.launch({
        executablePath: p.chromium,
        headless: true,
        env: env as Record<string, string>,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
        timeout: 60_000,
      });
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1600, height: 1000 } });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      // Browser console (workbench and webviews) and uncaught page errors, saved by stop().
      page.on('console', (m) => consoleLines.push(`[${new Date().toISOString()}] ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => consoleLines.push(`[${new Date().toISOString()}] pageerror: ${e.message}`));
      const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(resolve(options.workspace))}`;
      await page.goto(url, { timeout: startTimeout });
      await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: startTimeout });
      await page.locator('.explorer-folders-view, .part.sidebar').first().waitFor({ state: 'visible', timeout: startTimeout });
      log(`workbench shown (${Date.now() - t} ms)`);
      return new VsCodeHarness({ page, browser, server, url, root, userDataDir: dirs.userData, artifactsDir, options, forgetRoot, consoleLines });
    } catch (e) {
      await browser?.close().catch(() => undefined);
      await server?.stop(0);
      if (!options.keepTemp) rmSync(root, { recursive: true, force: true });
      forgetRoot();
      throw e;
    }
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => console.log(`[e2e] ${l}`)))(line);
  }

  /**
   * Runs a command from the F1 palette; the row must show exactly `title` ("Category: Title").
   * Retries until the command is listed: right after start the extension host may still be
   * starting (about 30 s on two busy cores), and the palette then offers only look-alikes.
   */
  async runCommand(title: string, timeoutMs = 60_000): Promise<void> {
    const page = this.page;
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    const row = rows.filter({ has: page.locator('.label-name').filter({ hasText: exactly(title) }) });
    await retryUntil(`runCommand(${JSON.stringify(title)})`, timeoutMs, async () => {
      if (!(await input.isVisible())) {
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 3_000 });
      }
      await input.fill(`>${title}`);
      try {
        // Before the extension registers the command the palette offers look-alikes: never
        // press Enter blindly, wait for the exact row.
        await row.first().waitFor({ state: 'visible', timeout: 2_000 });
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
      await row.first().click();
      // Done once clicked: never retry after this point, or the command would run twice. (The
      // palette may stay open if the command shows its own quick pick.)
      return true;
    }, async () => `palette rows: ${JSON.stringify(await rows.locator('.label-name').allTextContents())}`);
  }

  /** Explorer rows; `fileName` may be a workspace-relative path ('a/b/c.png'): folders are expanded on the way. */
  async explorerRow(fileName: string, timeoutMs = 30_000): Promise<Locator> {
    const page = this.page;
    const view = page.locator('.explorer-folders-view');
    if (!(await view.isVisible())) await this.runCommand('View: Show Explorer');
    await view.waitFor({ state: 'visible', timeout: timeoutMs });
    const parts = fileName.split('/').filter(Boolean);
    let row: Locator | undefined;
    for (const [i, part] of parts.entries()) {
      row = view.locator('.monaco-list-row').filter({ has: page.locator('.label-name').filter({ hasText: exactly(part) }) }).first();
      await row.waitFor({ state: 'visible', timeout: timeoutMs });
      if (i < parts.length - 1 && (await row.getAttribute('aria-expanded')) === 'false') await row.click();
    }
    return row!;
  }

  /** Right-clicks a file in the Explorer and runs the context-menu entry with exactly `entryLabel`. */
  async openExplorerContextMenu(fileName: string, entryLabel: string, timeoutMs = 60_000): Promise<void> {
    const page = this.page;
    const row = await this.explorerRow(fileName, timeoutMs);
    const menu = page.locator('.monaco-menu');
    const entry = menu.locator('.action-item:not(.disabled) .action-label').filter({ hasText: exactly(entryLabel) });
    await retryUntil(`context menu ${JSON.stringify(entryLabel)} on ${fileName}`, timeoutMs, async () => {
      await row.click({ button: 'right' });
      try {
        // Menu contributions register late after start: retry the right-click until ours shows.
        await entry.first().waitFor({ state: 'visible', timeout: 2_000 });
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
      // A plain click on the label did not trigger the action here; hover + Enter does.
      await entry.first().hover();
      await page.keyboard.press('Enter');
      // No retry past this point (the action would run twice); the menu closes on its own.
      await menu.first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      return true;
    }, async () => `menu entries: ${JSON.stringify(await menu.locator('.action-label').allTextContents())}`);
  }

  /** A view section (Explorer, a contributed container, ...) by its title. */
  treeView(title: string): TreeView {
    const page = this.page;
    const header = page.locator('.pane-header').filter({ has: page.locator('.title').filter({ hasText: exactly(title) }) }).first();
    const pane = page.locator('.pane').filter({ has: header }).first();
    const rows = pane.locator('.pane-body .monaco-list-row');
    return {
      header,
      pane,
      rows,
      row: (label) => rows.filter({ has: page.locator('.label-name').filter({ hasText: exactly(label) }) }).first(),
      expand: async (timeoutMs = 30_000) => {
        await header.waitFor({ state: 'visible', timeout: timeoutMs });
        if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
        await retryUntil(`tree view ${JSON.stringify(title)} expanded`, timeoutMs, async () => (await header.getAttribute('aria-expanded')) !== 'false');
      },
    };
  }

  /**
   * The inner frame of a webview (the extension's HTML). With several webviews open, the visible
   * one; `index` picks among the visible ones (default: the last opened).
   */
  webviewFrame(index?: number): FrameLocator {
    const outer = this.page.locator('iframe.webview.ready').filter({ visible: true });
    const chosen = index === undefined ? outer.last() : outer.nth(index);
    // The inner frame is found by id: its name stays "pending-frame".
    return chosen.contentFrame().frameLocator('iframe#active-frame');
  }

  /**
   * Saves a PNG of the page into the artifacts folder; returns its path. The mouse first moves to
   * an empty spot of the activity bar, so a hover left by the last action does not cover the view.
   */
  async screenshot(name: string, options: { keepMouse?: boolean } = {}): Promise<string> {
    const file = join(this.artifactsDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    if (!options.keepMouse) {
      const size = this.page.viewportSize();
      await this.page.mouse.move(0, size ? Math.round(size.height / 2) : 400);
    }
    await this.page.screenshot({ path: file, timeout: 30_000 });
    return file;
  }

  /** Notification toasts currently shown (filter with hasText to wait for one). */
  notifications(): Locator {
    return this.page.locator('.notifications-toasts .notification-toast');
  }

  /** code-server's log folder: exthost logs and output channels. */
  logsDir(): string {
    return join(this.userDataDir, 'logs');
  }

  /** Closes chromium, kills code-server with everything it started, and copies the server log,
   *  code-server's log folder and the browser console into the artifacts folder. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.race([this.browser.close(), sleep(10_000)]).catch(() => undefined);
    if (!(await this.server.stop())) this.log(`warning: process group ${this.server.pgid} still has ${groupMembers(this.server.pgid).join(', ')}`);
    const name = this.options.name ?? 'code-server';
    try {
      cpSync(this.server.logFile, join(this.artifactsDir, `${name}.log`));
      writeFileSync(join(this.artifactsDir, `${name}-browser-console.log`), this.consoleLines.join('\n') + '\n');
      if (existsSync(this.logsDir())) cpSync(this.logsDir(), join(this.artifactsDir, `${name}-logs`), { recursive: true });
    } catch (e) {
      this.log(`could not copy logs: ${(e as Error).message}`);
    }
    if (!this.options.keepTemp) rmSync(this.root, { recursive: true, force: true });
    this.forgetRoot();
  }
}
