// The engine child process: forked by the extension host, speaks JSON-RPC over the IPC channel.
// It owns all numerical work so the host stays responsive; if it dies, the host starts a new one.
import { CancellationToken, createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError } from 'vscode-jsonrpc/node';
import { EngineErrorCodes, EngineNotifications, EngineRequests, type JobParams, type PreviewParams, type ProgressParams, type ReadyParams } from '../shared/engineProtocol';
import { initBackend, type BackendPreference } from './backend';
import { isUserError } from './errors';
import { CancelledError } from './methods/types';
import { createHandlers, type JobContext } from './service/handlers';
import { ModelCache } from './service/modelCache';
import { previewIntervalMs, throttleGate } from './service/throttle';

if (!process.send) {
  process.stderr.write('dist/engine.js is the ConvScope engine child process; use dist/cli.js from a terminal.\n');
  process.exit(2);
}

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const models = new ModelCache();
const handlers = createHandlers(models);
const backendReady = initBackend((process.env.CONVSCOPE_BACKEND as BackendPreference | undefined) ?? 'auto');
/** Running jobs' stop controllers by jobId, for the `stop` request. */
const stoppers = new Map<string, AbortController>();

/** Wraps a handler: cancellation token → AbortSignal, a stop by jobId, throttled progress and previews, errors → typed ResponseErrors. */
function job<Params extends JobParams, Result>(handler: (params: Params, ctx: JobContext) => Promise<Result>) {
  return async (params: Params, token: CancellationToken): Promise<Result> => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const stop = new AbortController();
    if (params.jobId) stoppers.set(params.jobId, stop);
    let last = 0;
    const progress = (p: { fraction: number; message: string }) => {
      const now = Date.now();
      if (!params.jobId || (now - last < 200 && p.fraction < 1)) return;
      last = now;
      void connection.sendNotification(EngineNotifications.progress, { jobId: params.jobId, ...p } satisfies ProgressParams);
    };
    const previewDue = throttleGate(previewIntervalMs);
    const preview = (make: () => Omit<PreviewParams, 'jobId'>) => {
      if (!params.jobId || !previewDue()) return;
      void connection.sendNotification(EngineNotifications.preview, { jobId: params.jobId, ...make() } satisfies PreviewParams);
    };
    try {
      await backendReady;
      return await handler(params, { signal: abort.signal, progress, stopSignal: stop.signal, preview });
    } catch (e) {
      if (e instanceof CancelledError || abort.signal.aborted) throw new ResponseError(EngineErrorCodes.cancelled, 'cancelled');
      if (isUserError(e)) throw new ResponseError(EngineErrorCodes.userError, e.message);
      throw new ResponseError(-32603, e instanceof Error ? `engine error: ${e.message}` : String(e), e instanceof Error ? e.stack : undefined);
    } finally {
      sub.dispose();
      if (params.jobId && stoppers.get(params.jobId) === stop) stoppers.delete(params.jobId);
    }
  };
}

connection.onRequest(EngineRequests.modelInfo, job(handlers.modelInfo));
connection.onRequest(EngineRequests.predict, job(handlers.predict));
connection.onRequest(EngineRequests.filters, job(handlers.filters));
connection.onRequest(EngineRequests.activations, job(handlers.activations));
connection.onRequest(EngineRequests.saliencyPlan, job(handlers.saliencyPlan));
connection.onRequest(EngineRequests.saliency, job(handlers.saliency));
connection.onRequest(EngineRequests.synthesisPlan, job(handlers.synthesisPlan));
connection.onRequest(EngineRequests.synthesize, job(handlers.synthesize));
connection.onRequest(EngineRequests.styleApply, job(handlers.styleApply));
connection.onRequest(EngineRequests.styleTrain, job(handlers.styleTrain));
connection.onRequest(EngineRequests.folderPlan, job(handlers.folderPlan));
connection.onRequest(EngineRequests.folderRun, job(handlers.folderRun));
connection.onRequest(EngineRequests.status, () => handlers.status());
connection.onRequest(EngineRequests.stop, ({ jobId }) => {
  const stop = stoppers.get(jobId);
  stop?.abort();
  return { stopped: stop !== undefined };
});
connection.onRequest(EngineRequests.shutdown, () => {
  models.clear();
  setImmediate(() => process.exit(0));
  return null;
});
// The host going away (crash, reload) must not leave an orphan engine behind.
process.on('disconnect', () => process.exit(0));
connection.listen();

void (async () => {
  const backend = await backendReady;
  const ready: ReadyParams = { backend: backend.name, backendPackage: backend.package, tfjs: backend.tfjsVersion, node: process.version, pid: process.pid, skipped: backend.skipped, ...(backend.kernelWarning ? { kernelWarning: backend.kernelWarning } : {}) };
  await connection.sendNotification(EngineNotifications.ready, ready);
})().catch((e: unknown) => {
  process.stderr.write(`engine failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
