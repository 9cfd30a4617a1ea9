import { fork, type ChildProcess } from 'node:child_process';
import { CancellationTokenSource, RequestType, createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { EngineErrorCodes, EngineNotifications, EngineRequests, type EngineRequest, type PreviewParams, type ProgressParams, type ReadyParams } from '../shared/engineProtocol';
import { EngineCancelledError, EngineCrashedError, EngineTimeoutError, EngineUserError } from './engineErrors';

export interface EngineClientOptions {
  /** Path of dist/engine.js. */
  enginePath: string;
  /** Backend preference passed to the engine (CONVSCOPE_BACKEND). */
  backend?: string;
  log: (line: string) => void;
  /** How long the engine may take to announce its backend. */
  startTimeoutMs?: number;
  /** Default limit for one request; long jobs pass their own. */
  requestTimeoutMs?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Only ask a running engine; never start one (status polling). */
  ifRunning?: boolean;
  onProgress?: (p: ProgressParams) => void;
  /** Throttled looks at a long job's running result (an image and scalars). */
  onPreview?: (p: PreviewParams) => void;
  /** Called at once with the job's handle, for `stop`. */
  onJob?: (job: JobHandle) => void;
  timeoutMs?: number;
}

/** A running request, as `stop` names it. */
export interface JobHandle {
  jobId: string;
}

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  expected: boolean;
}

interface Running {
  child: ChildProcess;
  connection: MessageConnection;
  ready: Promise<ReadyParams>;
  stderr: string[];
  pending: Set<(e: Error) => void>;
  stopping: boolean;
  /** Settles with the crash error once the process has exited. */
  exited: Promise<EngineCrashedError>;
  markExited: (e: EngineCrashedError) => void;
}

/**
 * The host's end of the engine link: forks dist/engine.js on first use, routes progress to the
 * request that asked for it, turns cancellation and time-outs into `$/cancelRequest`, and when
 * the engine dies rejects every pending request with a clear error; the next request starts a
 * new engine. dispose() stops the engine, so no process outlives the extension.
 */
export class EngineClient {
  private running: Running | undefined;
  private readyInfo: ReadyParams | undefined;
  private nextJob = 0;
  private readonly progressSinks = new Map<string, (p: ProgressParams) => void>();
  private readonly previewSinks = new Map<string, (p: PreviewParams) => void>();
  private readonly readyListeners = new Set<(r: ReadyParams) => void>();
  private readonly exitListeners = new Set<(e: EngineExit) => void>();
  private disposed = false;

  private readonly options: EngineClientOptions;

  constructor(options: EngineClientOptions) {
    this.options = { ...options };
  }

  get info(): ReadyParams | undefined {
    return this.readyInfo;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  onReady(listener: (r: ReadyParams) => void): { dispose(): void } {
    this.readyListeners.add(listener);
    return { dispose: () => this.readyListeners.delete(listener) };
  }

  onExit(listener: (e: EngineExit) => void): { dispose(): void } {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  /** Starts the engine if needed and waits for its ready notification. */
  async start(): Promise<ReadyParams> {
    if (this.disposed) throw new EngineCrashedError('the ConvScope engine has been shut down');
    this.running ??= this.launch();
    return this.running.ready;
  }

  async request<P extends object, R>(type: EngineRequest<P, R>, params: P, options: RequestOptions = {}): Promise<R> {
    if (options.signal?.aborted) throw new EngineCancelledError();
    if (options.ifRunning && !this.running) throw new EngineCrashedError('the ConvScope engine is not running');
    await this.start();
    const running = this.running!;
    const jobId = `job-${++this.nextJob}`;
    if (options.onProgress) this.progressSinks.set(jobId, options.onProgress);
    if (options.onPreview) this.previewSinks.set(jobId, options.onPreview);
    options.onJob?.({ jobId });
    const cancel = new CancellationTokenSource();
    let fail: (e: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => (fail = reject));
    running.pending.add(fail);
    const onAbort = () => {
      cancel.cancel();
      fail(new EngineCancelledError());
    };
    options.signal?.addEventListener('abort', onAbort);
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 10 * 60_000;
    const timer = setTimeout(() => {
      cancel.cancel();
      fail(new EngineTimeoutError(`the ConvScope engine did not answer '${type.method}' within ${Math.round(timeoutMs / 1000)} s`));
      // A job stuck in synchronous code cannot see the cancel: start afresh next time.
      this.kill(running, 'time-out');
    }, timeoutMs);
    // Widened for the call: jsonrpc's params type is a conditional type of P, which TS cannot
    // resolve for a generic P; `request`'s own signature is what ties params to the request.
    const sent = running.connection.sendRequest(type as unknown as RequestType<object, R, void>, { ...params, jobId }, cancel.token);
    sent.catch(() => undefined); // it may lose the race to a cancel, time-out or crash
    try {
      return await Promise.race([sent, failed]);
    } catch (e) {
      if (isEngineAnswer(e) || e instanceof EngineCancelledError || e instanceof EngineTimeoutError || e instanceof EngineCrashedError) throw translate(e);
      // The link broke (closed, disposed): report the engine's death, which explains it.
      const crash = await Promise.race([running.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000))]);
      throw crash ?? translate(e);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      running.pending.delete(fail);
      this.progressSinks.delete(jobId);
      this.previewSinks.delete(jobId);
      cancel.dispose();
    }
  }

  /**
   * Ends a running job early: its request then resolves with the partial result (a cancel, through
   * the request's signal, rejects instead). False when the job is not running (any more).
   */
  async stop(job: string | JobHandle): Promise<boolean> {
    const running = this.running;
    if (!running) return false;
    const jobId = typeof job === 'string' ? job : job.jobId;
    const r = await running.connection.sendRequest(EngineRequests.stop, { jobId }).catch(() => ({ stopped: false }));
    return r.stopped;
  }

  /** Stops the current engine (if any); the next request starts one with this backend preference. */
  async restart(backend?: string): Promise<void> {
    this.options.backend = backend;
    await this.stopEngine();
  }

  /** Asks the engine to exit, and kills it if it does not within a second. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stopEngine();
  }

  private async stopEngine(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.stopping = true;
    const exited = new Promise<void>((resolve) => running.child.once('exit', () => resolve()));
    running.connection.sendRequest(EngineRequests.shutdown).catch(() => undefined);
    const timer = setTimeout(() => running.child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }

  private launch(): Running {
    const { enginePath, backend, log } = this.options;
    log(`starting engine ${enginePath}`);
    const child = fork(enginePath, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, ...(backend ? { CONVSCOPE_BACKEND: backend } : {}) }, execArgv: [] });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    let markExited: (e: EngineCrashedError) => void = () => {};
    const exited = new Promise<EngineCrashedError>((resolve) => (markExited = resolve));
    const running: Running = { child, connection, ready: undefined as never, stderr: [], pending: new Set(), stopping: false, exited, markExited };
    child.stdout?.on('data', (d: Buffer) => log(`engine: ${d.toString().trimEnd()}`));
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString();
      running.stderr.push(text);
      if (running.stderr.length > 50) running.stderr.shift();
      log(`engine stderr: ${text.trimEnd()}`);
    });
    connection.onNotification(EngineNotifications.progress, (p: ProgressParams) => this.progressSinks.get(p.jobId)?.(p));
    connection.onNotification(EngineNotifications.preview, (p: PreviewParams) => this.previewSinks.get(p.jobId)?.(p));
    running.ready = new Promise<ReadyParams>((resolve, reject) => {
      running.pending.add(reject);
      const timer = setTimeout(() => {
        reject(new EngineTimeoutError(`the ConvScope engine did not start within ${Math.round((this.options.startTimeoutMs ?? 60_000) / 1000)} s`));
        this.kill(running, 'start time-out');
      }, this.options.startTimeoutMs ?? 60_000);
      connection.onNotification(EngineNotifications.ready, (r: ReadyParams) => {
        clearTimeout(timer);
        running.pending.delete(reject);
        this.readyInfo = r;
        log(`engine ready: backend ${r.backend} (${r.backendPackage}), tfjs ${r.tfjs}, node ${r.node}, pid ${r.pid}`);
        for (const reason of r.skipped) log(`  skipped ${reason}`);
        if (r.kernelWarning) log(`  warning: ${r.kernelWarning}`);
        this.readyListeners.forEach((l) => l(r));
        resolve(r);
      });
      child.once('exit', () => clearTimeout(timer));
    });
    running.ready.catch(() => undefined);
    child.once('exit', (code, signal) => this.onExited(running, code, signal));
    child.once('error', (e) => log(`engine process error: ${e.message}`));
    connection.listen();
    return running;
  }

  private onExited(running: Running, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.running === running) this.running = undefined;
    const stderr = running.stderr.join('').trim();
    const tail = stderr.split('\n').slice(-3).join(' | ');
    const expected = running.stopping;
    this.options.log(`engine exited (${signal ?? `code ${code}`})${expected ? '' : ' unexpectedly'}`);
    const error = new EngineCrashedError(`The ConvScope engine stopped unexpectedly (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}. The next request starts a new engine.`);
    running.markExited(error);
    for (const reject of running.pending) reject(error);
    running.pending.clear();
    running.connection.dispose();
    this.exitListeners.forEach((l) => l({ code, signal, stderr, expected }));
  }

  private kill(running: Running, why: string): void {
    this.options.log(`stopping engine (${why})`);
    // Detach at once: the next request must not reach the dying process before 'exit' fires.
    if (this.running === running) this.running = undefined;
    running.child.kill('SIGKILL');
  }
}

/** An error response the engine itself sent (as opposed to the link failing). */
function isEngineAnswer(e: unknown): boolean {
  // -32099..-32096 are vscode-jsonrpc's own link failures (write/read error, rejected, inactive).
  return e instanceof ResponseError && !(e.code >= -32099 && e.code <= -32090);
}

function translate(e: unknown): Error {
  if (e instanceof ResponseError) {
    if (e.code === EngineErrorCodes.userError) return new EngineUserError(e.message);
    if (e.code === EngineErrorCodes.cancelled) return new EngineCancelledError();
    return new Error(e.message);
  }
  return e instanceof Error ? e : new Error(String(e));
}
