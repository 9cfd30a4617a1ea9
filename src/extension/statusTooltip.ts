import type { ReadyParams, StatusResult } from '../shared/engineProtocol';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** The status bar tooltip: backend, versions, memory, skipped backends and kernel warnings. */
export function statusTooltip(r: ReadyParams, s?: StatusResult): string {
  const lines = [`Backend: ${r.backend} (${r.backendPackage})`, `TensorFlow.js ${r.tfjs}, Node ${r.node}, pid ${r.pid}`];
  if (s) lines.push(`Memory: ${mib(s.rssBytes)} resident, ${s.tensors} tensors (${mib(s.tensorBytes)}), ${s.modelsLoaded} model(s) loaded`);
  if (r.skipped.length) lines.push(`Not used: ${r.skipped.join('; ')}`);
  if (r.kernelWarning) lines.push(`⚠ ${r.kernelWarning}`);
  return lines.join('\n');
}
