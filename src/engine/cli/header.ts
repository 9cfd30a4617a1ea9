import type { Session } from './session';

/** What every --json starts with: the backend that ran and the model file. */
export function commandHeader(session: Session): Record<string, unknown> {
  const { backend, model } = session;
  return { backend: backend.name, backendPackage: backend.package, backendSkipped: backend.skipped, ...(backend.kernelWarning ? { kernelWarning: backend.kernelWarning } : {}), tfjs: backend.tfjsVersion, model: model.file };
}
