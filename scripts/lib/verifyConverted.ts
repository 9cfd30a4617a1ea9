// Checks a converted layers model the way the engine will use it: strict loading from plain files,
// forward on the current backend (wasm), the same outputs as the original artifacts, and a finite,
// non-zero gradient with respect to the input.
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '../../src/engine/tf';
import { fileLoadHandler } from './layersFiles';

type Log = (line: string) => void;

/** The probe layer's activation and the model's output for one input. */
function probeModel(model: tfl.LayersModel, probeLayer: string): tfl.LayersModel {
  return tfl.model({ inputs: model.inputs, outputs: [model.getLayer(probeLayer).output as tfl.SymbolicTensor, model.outputs[0]!] });
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

function gradientCheck(probe: tfl.LayersModel, x: tf.Tensor): { maxAbs: number; finite: boolean } {
  return tf.tidy(() => {
    const f = (input: tf.Tensor): tf.Scalar => {
      const [act, out] = probe.apply(input, { training: false }) as tf.Tensor[];
      // A frozen-layer objective (DeepDream-like) plus a mix of the head's outputs: the whole path.
      const mix = tf.tensor1d(Array.from({ length: out!.shape[1]! }, (_, i) => (i % 2 === 0 ? 1 : -1)));
      return tf.add(tf.mean(tf.square(act!)), tf.sum(tf.mul(out!, mix))) as tf.Scalar;
    };
    const g = tf.grad(f)(x);
    const values = g.dataSync();
    let maxAbs = 0;
    let finite = true;
    for (const v of values) {
      if (!Number.isFinite(v)) finite = false;
      else if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
    }
    return { maxAbs, finite };
  });
}

export async function verifyConverted(dir: string, size: number, probeLayer: string, original: tf.io.ModelArtifacts | undefined, log: Log): Promise<void> {
  const name = path.basename(dir).replace(/^\.|\.tmp-\d+$/g, '');
  let t = performance.now();
  const lap = (): string => {
    const s = ((performance.now() - t) / 1000).toFixed(1);
    t = performance.now();
    return `${s} s`;
  };
  const converted = await tfl.loadLayersModel(fileLoadHandler(path.join(dir, 'model.json')), { strict: true });
  const probe = probeModel(converted, probeLayer);
  log(`${name}: loaded from files with strict:true (${converted.layers.length} layers, ${converted.countParams()} params) in ${lap()}`);
  const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 1234);
  const [act, out] = probe.predict(x) as tf.Tensor[];
  const probs = Array.from(out!.dataSync());
  const sum = probs.reduce((a, b) => a + b, 0);
  if (!probs.every(Number.isFinite) || Math.abs(sum - 1) > 1e-4) throw new Error(`${name}: forward output is not a probability vector: ${probs.join(', ')}`);
  log(`${name}: forward on ${tf.getBackend()} ok, ${probeLayer} ${JSON.stringify(act!.shape)}, output [${probs.map((p) => p.toFixed(4)).join(', ')}] in ${lap()}`);
  if (original) {
    const orig = await tfl.loadLayersModel(tf.io.fromMemory(original));
    const origProbe = probeModel(orig, probeLayer);
    const [act0, out0] = origProbe.predict(x) as tf.Tensor[];
    const dAct = maxAbsDiff(act!, act0!);
    const dOut = maxAbsDiff(out!, out0!);
    tf.dispose([act0!, out0!]);
    orig.dispose();
    if (dAct > 1e-5 || dOut > 1e-6) throw new Error(`${name}: outputs differ from the original (max |Δ| ${probeLayer} ${dAct}, output ${dOut})`);
    log(`${name}: same as the original nsfwjs model on a random input: max |Δ| ${probeLayer} ${dAct}, output ${dOut} (${lap()})`);
  }
  tf.dispose([act!, out!]);
  let g: { maxAbs: number; finite: boolean };
  let where = tf.getBackend();
  try {
    g = gradientCheck(probe, x);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (!/not registered/i.test(msg)) throw e;
    log(`${name}: gradient on ${where} needs a kernel it lacks (${msg.split('\n')[0]}); checking on cpu instead`);
    const back = tf.getBackend();
    await tf.setBackend('cpu');
    where = 'cpu';
    try {
      g = gradientCheck(probe, x);
    } finally {
      await tf.setBackend(back);
    }
  }
  if (!g.finite || g.maxAbs === 0) throw new Error(`${name}: input gradient is ${g.finite ? 'all zero' : 'not finite'}`);
  log(`${name}: input gradient on ${where} finite and non-zero (max |g| ${g.maxAbs.toExponential(3)}) in ${lap()}`);
  x.dispose();
  converted.dispose();
}
