import * as vscode from 'vscode';
import type { ProgressParams } from '../shared/engineProtocol';
import { EngineCancelledError } from './engineErrors';

/**
 * Runs engine work inside a cancellable notification: the Cancel button aborts the request,
 * which the engine client turns into `$/cancelRequest`; engine progress moves the bar.
 */
export function withEngineProgress<T>(title: string, work: (signal: AbortSignal, onProgress: (p: ProgressParams) => void) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        return await work(abort.signal, (p) => {
          const increment = Math.max(0, p.fraction * 100 - reported);
          reported += increment;
          progress.report({ message: p.message, increment });
        });
      } finally {
        sub.dispose();
      }
    }),
  );
}

export function isCancelled(e: unknown): boolean {
  return e instanceof EngineCancelledError;
}
