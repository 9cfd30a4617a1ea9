/// <reference lib="dom" />
// The frame every panel shares: title line, controls, the busy line with Cancel, the error
// banner, the content area. It handles the messages common to all panels.
import type { CommonFromWebview, CommonToWebview } from '../../shared/webviewProtocol';
import { h, replace, show } from './dom';
import { button, progressRing } from './toolkit';
import { unreachable, type VsCodeApi } from './vscode';

export interface Shell {
  /** Title line: model, image, backend. */
  readonly header: HTMLElement;
  /** Pickers and buttons. */
  readonly controls: HTMLElement;
  readonly content: HTMLElement;
  setTitle(title: string, ...details: string[]): void;
  /** A longer line under the title (the model's description); empty hides it. */
  setDescription(text: string): void;
  /** busy / idle / error from the host. */
  common(message: CommonToWebview): void;
  showError(message: string): void;
  clearError(): void;
  readonly busy: boolean;
  /** Called when the busy state changes (panels disable their run buttons). */
  onBusyChange(listener: (busy: boolean) => void): void;
}

export function createShell(api: VsCodeApi<CommonFromWebview>): Shell {
  const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
  const title = h('h1', { class: 'panel-title' });
  const subtitle = h('div', { class: 'panel-subtitle' });
  const description = h('p', { class: 'panel-description' });
  const header = h('header', { class: 'panel-header' }, title, subtitle, description);
  const controls = h('section', { class: 'controls' });
  const busyMessage = h('span', { id: 'busy-message', class: 'busy-message' });
  const busyFill = h('div', { class: 'busy-fill' });
  const busyBar = h('div', { class: 'busy-bar', attrs: { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 } }, busyFill);
  const cancel = button('Cancel', () => api.post({ type: 'cancel' }), { id: 'cancel', appearance: 'secondary' });
  const busyLine = h('div', { id: 'busy', class: 'busy-line', attrs: { 'aria-live': 'polite' } }, progressRing({ class: 'busy-ring' }), busyMessage, busyBar, cancel);
  const errorMessage = h('span', { id: 'error-message', class: 'error-message' });
  const errorBanner = h('div', { id: 'error', class: 'error-banner', attrs: { role: 'alert' } }, h('span', { class: 'error-icon', text: '⚠' }), errorMessage, button('Dismiss', () => shell.clearError(), { appearance: 'secondary', class: 'error-dismiss' }));
  const content = h('section', { id: 'content', class: 'content' });
  show(busyLine, false);
  show(errorBanner, false);
  show(description, false);
  replace(app, header, controls, busyLine, errorBanner, content);

  let busy = false;
  const listeners: ((busy: boolean) => void)[] = [];
  const setBusy = (b: boolean) => {
    if (b === busy) return;
    busy = b;
    document.body.classList.toggle('is-busy', b);
    show(busyLine, b);
    listeners.forEach((l) => l(b));
  };

  const shell: Shell = {
    header,
    controls,
    content,
    setTitle(text, ...details) {
      title.textContent = text;
      replace(subtitle, ...details.filter(Boolean).flatMap((d, i) => [i ? h('span', { class: 'sep', text: '·' }) : null, h('span', { text: d })]));
    },
    setDescription(text) {
      description.textContent = text;
      show(description, text.length > 0);
    },
    common(message) {
      switch (message.type) {
        case 'busy': {
          // A job starts (no fraction yet): an older error no longer applies.
          if (message.fraction === undefined) shell.clearError();
          setBusy(true);
          busyMessage.textContent = message.message;
          const known = message.fraction !== undefined && Number.isFinite(message.fraction);
          busyBar.classList.toggle('indeterminate', !known);
          const pct = known ? Math.round(Math.min(1, Math.max(0, message.fraction!)) * 100) : 0;
          busyFill.style.width = known ? `${pct}%` : '';
          busyBar.setAttribute('aria-valuenow', String(pct));
          return;
        }
        case 'idle':
          setBusy(false);
          return;
        case 'error':
          shell.showError(message.message);
          return;
        default:
          unreachable(message);
      }
    },
    showError(message) {
      errorMessage.textContent = message;
      show(errorBanner, true);
    },
    clearError() {
      errorMessage.textContent = '';
      show(errorBanner, false);
    },
    get busy() {
      return busy;
    },
    onBusyChange(listener) {
      listeners.push(listener);
    },
  };
  // A bug in the page shows up like any other error instead of a silently broken panel.
  window.addEventListener('error', (e) => shell.showError(`Webview error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => shell.showError(`Webview error: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`));
  return shell;
}
