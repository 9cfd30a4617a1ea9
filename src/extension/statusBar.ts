import * as vscode from 'vscode';
import { EngineRequests, type ReadyParams, type StatusResult } from '../shared/engineProtocol';
import { Disposable } from './disposable';
import type { EngineClient } from './engineClient';
import { statusTooltip as tooltip } from './statusTooltip';

const refreshMs = 10_000;

/** Always shows which backend the engine runs on (or that it is not started yet). */
export class EngineStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('convscope.engine', vscode.StatusBarAlignment.Right, 100));

  constructor(private readonly engine: EngineClient) {
    super();
    this.item.name = 'ConvScope engine';
    this.item.command = 'convscope.showOutput';
    this.idle();
    this.item.show();
    this.register(engine.onReady((r) => {
      this.ready(r);
      void this.refresh();
    }));
    // Memory moves with every job; a cheap status request every few seconds keeps the tooltip true.
    const timer = setInterval(() => void this.refresh(), refreshMs);
    this.register({ dispose: () => clearInterval(timer) });
    this.register(engine.onExit((e) => (e.expected ? this.idle() : this.stopped())));
  }

  /** Refreshes the memory figures in the tooltip; never starts an engine. */
  async refresh(): Promise<void> {
    const info = this.engine.info;
    if (!info || !this.engine.isRunning) return;
    try {
      const s = await this.engine.request(EngineRequests.status, {}, { ifRunning: true });
      this.item.tooltip = tooltip(info, s);
    } catch {
      // the engine may be restarting; the next refresh will tell
    }
  }

  private idle(): void {
    this.item.text = '$(circuit-board) ConvScope';
    this.item.tooltip = 'ConvScope engine: not started (starts on first use)';
  }

  private ready(r: ReadyParams): void {
    this.item.text = `$(circuit-board) ConvScope: ${r.backend}`;
    this.item.tooltip = tooltip(r);
  }

  private stopped(): void {
    this.item.text = '$(warning) ConvScope: engine stopped';
    this.item.tooltip = 'The engine stopped unexpectedly; the next request starts a new one. See the ConvScope output.';
  }
}
