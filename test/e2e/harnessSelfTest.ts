// Self test of the e2e harness with a throwaway extension generated here: palette command →
// webview text, a tree view, an Explorer context-menu entry on a PNG, and a fork of the real
// engine (dist/engine.js) from the extension host (code-server's Node 24).
//   run: scripts/e2e/run.sh test/e2e/harnessSelfTest.ts        (exit code 0 = all checks passed)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { groupMembers, onExitSync, packageVsix, retryUntil, VsCodeHarness } from './harness';

const repo = resolve(process.env.CONVSCOPE_REPO ?? process.cwd()); // scripts/e2e/run.sh runs from the repo root
const enginePath = join(repo, 'dist/engine.js');
const mnistModel = join(repo, 'models/mnist-cnn/model.json');

/** A grayscale PNG (8-bit) from a pixel function. */
function grayPng(width: number, height: number, pixel: (x: number, y: number) => number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixel(x, y);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const extensionJs = String.raw`
const vscode = require('vscode');
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
function panel(title, text) {
  const p = vscode.window.createWebviewPanel('convscopeHarness', title, vscode.ViewColumn.One, {});
  p.webview.html = '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">' +
    '</head><body><h1 id="msg">' + esc(text) + '</h1></body></html>';
  return p;
}
function waitMessage(child, match, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(what + ': no answer in ' + ms + ' ms')), ms);
    const onMsg = (m) => { if (match(m)) done(undefined, m); };
    const onExit = (code, sig) => done(new Error(what + ': child exited ' + code + ' ' + sig));
    function done(err, m) {
      clearTimeout(timer); child.off('message', onMsg); child.off('exit', onExit);
      err ? reject(err) : resolve(m);
    }
    child.on('message', onMsg);
    child.on('exit', onExit);
  });
}
async function engineCheck() {
  const out = { hostNode: process.version, hostExecPath: process.execPath, hostExecArgv: process.execArgv, hostPid: process.pid,
    hostEnv: Object.keys(process.env).filter((k) => /^(VSCODE_|ELECTRON_|NODE_)/.test(k)).sort() };
  try {
    let t = Date.now();
    const bare = cp.fork(path.join(__dirname, 'child.js'), [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    out.bare = await waitMessage(bare, () => true, 20000, 'bare child');
    out.bare.ms = Date.now() - t;
    bare.kill();
    const enginePath = process.env.CONVSCOPE_HARNESS_ENGINE;
    if (enginePath && fs.existsSync(enginePath)) {
      const stderr = [];
      t = Date.now();
      const engine = cp.fork(enginePath, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      engine.stderr.on('data', (d) => stderr.push(String(d)));
      out.enginePid = engine.pid;
      try {
        const ready = await waitMessage(engine, (m) => m && m.method === 'engine/ready', 120000, 'engine ready');
        out.engineReady = Object.assign({ ms: Date.now() - t }, ready.params);
        t = Date.now();
        engine.send({ jsonrpc: '2.0', id: 1, method: 'model/predict',
          params: { model: process.env.CONVSCOPE_HARNESS_MODEL, image: process.env.CONVSCOPE_HARNESS_IMAGE, topK: 3 } });
        const res = await waitMessage(engine, (m) => m && m.id === 1, 120000, 'predict');
        out.predict = { ms: Date.now() - t, result: res.result, error: res.error };
      } finally {
        out.engineStderr = stderr.join('').slice(-2000);
      }
      // The engine stays running on purpose: stopping the harness must take it down too.
    } else {
      out.engineSkipped = 'CONVSCOPE_HARNESS_ENGINE not set or missing: ' + enginePath;
    }
  } catch (e) {
    out.error = String(e && e.stack || e);
  }
  const ws = vscode.workspace.workspaceFolders[0].uri.fsPath;
  fs.writeFileSync(path.join(ws, '.engine-check.json'), JSON.stringify(out, null, 2));
  panel('Harness Engine', out.error ? 'engine check failed' : 'engine check done');
}
exports.activate = (ctx) => {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('convscopeHarness.hello', () => panel('Harness Hello', 'hello from webview')),
    vscode.commands.registerCommand('convscopeHarness.inspectImage', (uri) => panel('Harness Inspect', 'inspected ' + path.basename(uri.fsPath))),
    vscode.commands.registerCommand('convscopeHarness.engineCheck', engineCheck),
    vscode.window.registerTreeDataProvider('convscopeHarness.tree', {
      getChildren: (e) => (e ? [] : ['alpha', 'beta']),
      getTreeItem: (e) => new vscode.TreeItem(e),
    }),
  );
};
exports.deactivate = () => {};
`;

const childJs = `process.send({ node: process.version, execPath: process.execPath, execArgv: process.execArgv, pid: process.pid,
  electronRunAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null });
process.on('disconnect', () => process.exit(0));
`;

const packageJson = {
  name: 'convscope-harness-selftest',
  displayName: 'ConvScope Harness Self Test',
  publisher: 'convscope',
  version: '0.0.1',
  engines: { vscode: '^1.90.0' },
  main: './extension.js',
  activationEvents: ['onView:convscopeHarness.tree'],
  contributes: {
    commands: [
      { command: 'convscopeHarness.hello', title: 'Hello', category: 'ConvScope Harness' },
      { command: 'convscopeHarness.inspectImage', title: 'Inspect with Harness', category: 'ConvScope Harness' },
      { command: 'convscopeHarness.engineCheck', title: 'Engine Check', category: 'ConvScope Harness' },
    ],
    menus: {
      'explorer/context': [{ command: 'convscopeHarness.inspectImage', when: 'resourceExtname == .png', group: 'navigation' }],
      commandPalette: [{ command: 'convscopeHarness.inspectImage', when: 'false' }],
    },
    views: { explorer: [{ id: 'convscopeHarness.tree', name: 'Harness Tree' }] },
  },
};

const checks: { name: string; ok: boolean; detail: string }[] = [];
async function check(name: string, fn: () => Promise<string | void>): Promise<void> {
  const t = Date.now();
  try {
    const detail = (await fn()) ?? '';
    checks.push({ name, ok: true, detail: `${Date.now() - t} ms${detail ? `; ${detail}` : ''}` });
  } catch (e) {
    checks.push({ name, ok: false, detail: (e as Error).message });
  }
  const c = checks[checks.length - 1];
  console.log(`${c.ok ? 'PASS' : 'FAIL'} ${name} (${c.detail})`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'convscope-e2e-selftest-'));
  onExitSync(() => rmSync(tmp, { recursive: true, force: true }));
  const ext = join(tmp, 'ext');
  const ws = join(tmp, 'workspace');
  mkdirSync(ext);
  mkdirSync(join(ws, 'images'), { recursive: true });
  writeFileSync(join(ext, 'package.json'), JSON.stringify(packageJson, null, 2));
  writeFileSync(join(ext, 'extension.js'), extensionJs);
  writeFileSync(join(ext, 'child.js'), childJs);
  writeFileSync(join(ext, 'README.md'), '# Harness self test\n');
  // A "1": a vertical white stroke on black, 28×28 like MNIST.
  const digit = grayPng(28, 28, (x, y) => (x >= 13 && x <= 15 && y >= 5 && y <= 22 ? 255 : 0));
  writeFileSync(join(ws, 'sample.png'), digit);
  writeFileSync(join(ws, 'images/seven.png'), grayPng(28, 28, (x, y) => ((y === 6 && x > 8 && x < 20) || (x === 27 - y && y > 6 && y < 22) ? 255 : 0)));
  writeFileSync(join(ws, 'notes.txt'), 'not an image\n');

  let t = Date.now();
  const vsix = await packageVsix(ext, join(tmp, 'harness-selftest.vsix'));
  console.log(`[selftest] packaged ${vsix} (${Date.now() - t} ms)`);

  t = Date.now();
  const h = await VsCodeHarness.start({
    workspace: ws,
    vsix,
    name: 'selftest-code-server',
    env: { CONVSCOPE_HARNESS_ENGINE: enginePath, CONVSCOPE_HARNESS_MODEL: mnistModel, CONVSCOPE_HARNESS_IMAGE: join(ws, 'sample.png') },
  });
  console.log(`[selftest] harness started (${Date.now() - t} ms)`);
  let enginePid: number | undefined;
  try {
    await check('palette command opens a webview with its text', async () => {
      await h.runCommand('ConvScope Harness: Hello');
      const msg = h.webviewFrame().locator('#msg');
      await msg.waitFor({ timeout: 30_000 });
      const text = (await msg.textContent())?.trim();
      if (text !== 'hello from webview') throw new Error(`webview text ${JSON.stringify(text)}`);
      await h.screenshot('selftest-1-hello-webview');
      return `text ${JSON.stringify(text)}`;
    });
    await check('tree view rows', async () => {
      const tree = h.treeView('Harness Tree');
      await tree.expand();
      await tree.row('alpha').waitFor({ timeout: 30_000 });
      await tree.row('beta').waitFor({ timeout: 30_000 });
      return `rows ${JSON.stringify(await tree.rows.allInnerTexts())}`;
    });
    await check('nested explorer path', async () => {
      await (await h.explorerRow('images/seven.png')).waitFor();
    });
    await check('explorer context menu on a PNG', async () => {
      await h.openExplorerContextMenu('sample.png', 'Inspect with Harness');
      const msg = h.webviewFrame().locator('#msg');
      await msg.filter({ hasText: 'inspected sample.png' }).waitFor({ timeout: 30_000 });
      await h.screenshot('selftest-2-context-menu-webview');
    });
    await check('context menu entry absent on a .txt file', async () => {
      await (await h.explorerRow('notes.txt')).click({ button: 'right' });
      const menu = h.page.locator('.monaco-menu');
      await menu.first().waitFor({ timeout: 10_000 });
      const entries = await menu.locator('.action-label').allTextContents();
      await h.page.keyboard.press('Escape');
      if (entries.some((e: string) => e.trim() === 'Inspect with Harness')) throw new Error('entry shown on .txt');
      return `${entries.filter((e: string) => e.trim()).length} other entries`;
    });
    await check('engine forked from the extension host', async () => {
      const file = join(ws, '.engine-check.json');
      await h.runCommand('ConvScope Harness: Engine Check');
      await retryUntil('engine check result file', 240_000, async () => existsSync(file));
      const r = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(join(h.artifactsDir, 'selftest-engine-check.json'), JSON.stringify(r, null, 2));
      enginePid = r.enginePid;
      // The file is written before the panel opens: wait for the panel's text, then take the picture.
      await h.webviewFrame().locator('#msg').filter({ hasText: /engine check/ }).waitFor({ timeout: 30_000 });
      await h.screenshot('selftest-3-engine-check');
      if (r.error) throw new Error(r.error);
      if (r.engineSkipped) return `engine skipped (${r.engineSkipped}); host ${r.hostNode}`;
      if (r.predict?.error) throw new Error(`predict error ${JSON.stringify(r.predict.error)}`);
      const top = r.predict.result.top[0];
      return `host ${r.hostNode} execArgv ${JSON.stringify(r.hostExecArgv)}; bare child ${r.bare.node} in ${r.bare.ms} ms; engine ready ${r.engineReady.ms} ms ` +
        `(backend ${r.engineReady.backend}, node ${r.engineReady.node}); predict ${r.predict.ms} ms, top ${top.label} p=${top.probability.toFixed(3)}`;
    });
  } finally {
    const pgid = h.server.pgid;
    t = Date.now();
    await h.stop();
    await check('stop() leaves no process behind', async () => {
      const left = groupMembers(pgid);
      if (left.length) throw new Error(`left in group ${pgid}: ${left.join(', ')}`);
      if (enginePid !== undefined && existsSync(`/proc/${enginePid}`) && !readFileSync(`/proc/${enginePid}/stat`, 'utf8').includes(') Z ')) {
        throw new Error(`engine child ${enginePid} still running`);
      }
      return `stopped in ${Date.now() - t} ms`;
    });
    rmSync(tmp, { recursive: true, force: true });
  }
  const failed = checks.filter((c) => !c.ok);
  console.log(`[selftest] ${checks.length - failed.length}/${checks.length} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${h.artifactsDir}`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
