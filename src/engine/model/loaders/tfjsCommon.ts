// What the two TF.js loaders share: leak-free loading, the input-shape check, and TF.js load
// errors turned into one line that names the file.
import * as tf from '../../tf';
import { UserError } from '../../errors';
import type { InputShape } from '../loadedModel';

/**
 * Runs a TF.js loader so that a failed load leaves no tensor behind: tfjs builds layers (their
 * variables) and decodes the weights before it finds out that they do not fit, then drops them.
 * Loading from memory takes microtasks only, so starting from a fresh macrotask keeps other jobs'
 * tensors out of the engine scope opened here. `owned` lists the non-variable tensors a loaded
 * model keeps (a graph model's weights); they leave the scope alive.
 */
export async function loadWithoutLeaks<T>(load: () => Promise<T>, owned: (model: T) => tf.Tensor[]): Promise<T> {
  await new Promise((resolve) => setImmediate(resolve));
  const engine = tf.engine();
  const variablesBefore = new Set(Object.keys(engine.registeredVariables));
  engine.startScope();
  let model: T | undefined;
  try {
    model = await load();
    return model;
  } catch (e) {
    for (const [name, v] of Object.entries(engine.registeredVariables)) if (!variablesBefore.has(name)) v.dispose();
    throw e;
  } finally {
    engine.endScope(model === undefined ? undefined : owned(model));
  }
}

export function requireLayer<T>(file: string, byName: Map<string, T>, name: string): T {
  const layer = byName.get(name);
  if (!layer) throw new UserError(`${file}: no layer named '${name}'; valid layers: ${[...byName.keys()].join(', ')}`);
  return layer;
}

export function imageInputShape(file: string, shape: (number | null)[]): InputShape {
  const [, h, w, c] = shape;
  const text = `${file}: input shape [${shape.map((d) => d ?? 'null').join(', ')}]`;
  if (shape.length !== 4 || (c !== 1 && c !== 3)) throw new UserError(`${text} is not an image; ConvScope needs [batch, height, width, 1 or 3]`);
  // Graph models write an unknown size as -1, layers models as null.
  if (!(h! > 0) || !(w! > 0)) throw new UserError(`${text} has no fixed height and width; ConvScope needs them to size its inputs`);
  return { height: h!, width: w!, channels: c };
}

export function lastDim(shape: (number | null)[]): number {
  return shape[shape.length - 1] ?? 0;
}

/** TF.js load errors are long and generic; keep the useful part and name the file. */
export function explainLoadError(file: string, e: unknown, specs: tf.io.WeightsManifestEntry[] = []): UserError {
  let msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  // Some messages quote a whole config object.
  if (msg.length > 240) msg = `${msg.slice(0, 240)}…`;
  const unknown = /Unknown (layer|activation|initializer|regularizer|constraint): (\w+)/.exec(msg);
  if (unknown) return new UserError(`${file}: unknown ${unknown[1] === 'layer' ? 'layer type' : unknown[1]} '${unknown[2]}' (TensorFlow.js layers does not implement it)`);
  // tfjs-layers says "Shape mismatch: [layer's] vs. [file's]" without naming the weight.
  const mismatch = /Shape mismatch: (\[[\d,]*\]) vs\. (\[[\d,]*\])/.exec(msg);
  if (mismatch) {
    const names = specs.filter((w) => JSON.stringify(w.shape) === mismatch[2]).map((w) => `'${w.name}'`);
    const which = names.length === 1 ? `weight ${names[0]}` : `a weight${names.length > 1 ? ` (one of ${names.join(', ')})` : ''}`;
    return new UserError(`${file}: weights do not match the model's layers: ${which} has shape ${mismatch[2]} in the weights manifest, but its layer expects ${mismatch[1]}`);
  }
  if (/shape|weight/i.test(msg.split('{')[0]!)) return new UserError(`${file}: weights do not match the model's layers: ${msg}`);
  return new UserError(`${file}: cannot load the model: ${msg}`);
}
