// Adam over a network's weights, with its state readable and restorable in the weights' order (a
// checkpoint resumes exactly). tf.train.adam keeps its moments keyed by variable names, which a
// reloaded network does not keep (TF.js uniquifies them), and cannot be written to a file by itself.
import * as tf from '../../tf';

export interface AdamState {
  /** Steps taken (the bias correction's t). */
  t: number;
  /** m then v of every weight, weight after weight, float32. */
  moments: Float32Array;
}

export class WeightAdam {
  private t = 0;
  private m: tf.Tensor[];
  private v: tf.Tensor[];

  constructor(
    private readonly weights: readonly tf.Variable[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = weights.map((w) => tf.zerosLike(w));
    this.v = weights.map((w) => tf.zerosLike(w));
  }

  /** w ← w − lr · m̂ / (√v̂ + ε), gradients in the weights' order. */
  apply(gradients: readonly tf.Tensor[]): void {
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    this.weights.forEach((w, i) => {
      const g = gradients[i]!;
      const [m, v] = tf.tidy(() => {
        const m1 = tf.add(tf.mul(this.m[i]!, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(this.v[i]!, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        w.assign(tf.sub(w, tf.mul(tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), this.epsilon)), this.learningRate)));
        return [m1, v1];
      });
      tf.dispose([this.m[i]!, this.v[i]!]);
      this.m[i] = m;
      this.v[i] = v;
    });
  }

  state(): AdamState {
    const parts = this.weights.flatMap((_, i) => [this.m[i]!.dataSync() as Float32Array, this.v[i]!.dataSync() as Float32Array]);
    const moments = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      moments.set(p, offset);
      offset += p.length;
    }
    return { t: this.t, moments };
  }

  /** Restores a state written by state() for the same weights; false if its size does not fit. */
  restore(state: AdamState): boolean {
    const total = this.weights.reduce((n, w) => n + 2 * w.size, 0);
    if (state.moments.length !== total) return false;
    let offset = 0;
    const take = (w: tf.Tensor) => {
      const t = tf.tensor(state.moments.subarray(offset, offset + w.size), w.shape);
      offset += w.size;
      return t;
    };
    const m = this.weights.map((w) => [take(w), take(w)] as const);
    tf.dispose([...this.m, ...this.v]);
    this.m = m.map(([a]) => a);
    this.v = m.map(([, b]) => b);
    this.t = state.t;
    return true;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
