// A style-train checkpoint: the style network as it stands (loadable and applicable at once), plus
// what resuming needs: the step, the loss curve and Adam's moments. Files are written into a
// hidden folder first and moved into place one by one, the training state last, so that an
// interrupted write leaves the previous checkpoint's state in charge.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../../errors';
import { parseJsonText } from '../../model/jsonText';
import { saveStyleNetwork, type StyleNetworkRecord } from './styleNetwork';
import type { AdamState } from './weightAdam';

export interface TrainingPoint {
  step: number;
  content: number;
  style: number;
  tv: number;
  total: number;
  /** Wall seconds of training so far (over every session of a resumed run). */
  seconds: number;
}

/** What a run must agree on to be resumed (everything that shapes the training but its length). */
export type TrainingSettings = Omit<StyleNetworkRecord, 'stepsDone' | 'trainingSeconds' | 'finalLosses'>;

export interface TrainingState {
  version: 1;
  settings: TrainingSettings;
  step: number;
  seconds: number;
  curve: TrainingPoint[];
  adamSteps: number;
}

const stateFile = 'training-state.json';
const momentsFile = 'adam-moments.bin';

export function hasCheckpoint(dir: string): boolean {
  return existsSync(path.join(dir, stateFile));
}

export async function writeCheckpoint(dir: string, net: tfl.LayersModel, record: StyleNetworkRecord, state: TrainingState, adam: AdamState): Promise<void> {
  const partial = path.join(dir, '.checkpoint-partial');
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await saveStyleNetwork(partial, net, record);
  const moments = adam.moments;
  writeFileSync(path.join(partial, momentsFile), new Uint8Array(moments.buffer, moments.byteOffset, moments.byteLength));
  writeFileSync(path.join(partial, stateFile), JSON.stringify({ ...state, adamSteps: adam.t }) + '\n');
  const files = readdirSync(partial).filter((f) => f !== stateFile);
  for (const f of [...files, stateFile]) renameSync(path.join(partial, f), path.join(dir, f));
  rmSync(partial, { recursive: true, force: true });
}

/** The state and Adam moments of the checkpoint in `dir`, checked against this run's settings. */
export function readCheckpoint(dir: string, settings: TrainingSettings): { state: TrainingState; adam: AdamState } {
  const file = path.join(dir, stateFile);
  const state = parseJsonText(readFileSync(file, 'utf8'), file) as TrainingState;
  if (state?.version !== 1 || typeof state.step !== 'number' || !Array.isArray(state.curve)) throw new UserError(`${file}: not a style-train checkpoint (version 1)`);
  const differ = Object.keys(settings).filter((k) => JSON.stringify(settings[k as keyof TrainingSettings]) !== JSON.stringify(state.settings[k as keyof TrainingSettings]));
  if (differ.length) throw new UserError(`${dir}: the checkpoint was trained with other settings (${differ.map((k) => `${k}: ${JSON.stringify(state.settings[k as keyof TrainingSettings])} there, ${JSON.stringify(settings[k as keyof TrainingSettings])} now`).join('; ')}); resume with the same ones or train into another --out-model`);
  const bytes = readFileSync(path.join(dir, momentsFile));
  const moments = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { state, adam: { t: state.adamSteps, moments } };
}
