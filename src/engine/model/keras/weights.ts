// Where Keras keeps each layer's weights, per format, read into memory in one pass while the
// HDF5 file is open (h5wasm's files live in wasm memory and are closed right after).
import { UserError } from '../../errors';
import type { Hdf5Array, Hdf5Reader } from './hdf5';

export interface LayerWeights {
  /** Keras 2's weight names without the ':0' ('conv2d/kernel'); Keras 3 stores none (order only). */
  names?: string[];
  arrays: Hdf5Array[];
  /** A nested model's layers (Keras 3: `layers/<model>/layers/<layer>/vars`). */
  nested?: Map<string, LayerWeights>;
}

/**
 * The weights of layer `inner` of a nested model whose own entry is `outer`. Keras 2 lists all of
 * a nested model's weights in its group, named after the inner layers ('conv/kernel').
 */
export function innerWeights(outer: LayerWeights, inner: string): LayerWeights | undefined {
  if (outer.nested) return outer.nested.get(inner);
  // Names may carry scopes in front ('model/conv/kernel'): the inner layer is a path component.
  const picked = (outer.names ?? []).flatMap((n, i) => (n.startsWith(`${inner}/`) || n.includes(`/${inner}/`) ? [i] : []));
  return picked.length ? { names: picked.map((i) => outer.names![i]!), arrays: picked.map((i) => outer.arrays[i]!) } : undefined;
}

/**
 * Keras 2 full-model HDF5: `model_weights/<layer>` with attribute `weight_names` listing datasets
 * relative to that group, in the layer's `weights` order (trainable, then non-trainable).
 */
export function keras2Weights(name: string, h5: Hdf5Reader): Map<string, LayerWeights> {
  const layers = h5.members('model_weights');
  if (!layers) throw new UserError(`${name}: no 'model_weights' group (a Keras 2 file saved without its weights, or a weights-only file with no model_config)`);
  const out = new Map<string, LayerWeights>();
  for (const layer of layers) {
    const group = `model_weights/${layer}`;
    const names = h5.attrList(group, 'weight_names') ?? chunkedList(h5, group, 'weight_names');
    out.set(layer, { names: names.map((n) => n.replace(/:\d+$/, '')), arrays: names.map((n) => h5.dataset(`${group}/${n}`)) });
  }
  return out;
}

/** Keras 2 splits an attribute over HDF5's 64 KiB limit into `<name>0`, `<name>1`… */
function chunkedList(h5: Hdf5Reader, group: string, attr: string): string[] {
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const chunk = h5.attrList(group, `${attr}${i}`);
    if (!chunk) return out;
    out.push(...chunk);
  }
}

/** Keras 3 model.weights.h5: `layers/<layer>/vars/0, 1…` in the layer's variable order. */
export function keras3Weights(name: string, h5: Hdf5Reader, prefix = 'layers'): Map<string, LayerWeights> {
  const layers = h5.members(prefix);
  if (!layers) throw new UserError(`${name}: no 'layers' group (not the weights of a Keras 3 model)`);
  const out = new Map<string, LayerWeights>();
  for (const layer of layers) {
    const at = `${prefix}/${layer}`;
    const vars = h5.members(`${at}/vars`) ?? [];
    // Dataset names are indices; HDF5 lists them as text ("10" before "2").
    const order = vars.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(a) - Number(b));
    const nested = h5.members(`${at}/layers`) ? keras3Weights(name, h5, `${at}/layers`) : undefined;
    out.set(layer, { arrays: order.map((v) => h5.dataset(`${at}/vars/${v}`)), ...(nested ? { nested } : {}) });
  }
  return out;
}
