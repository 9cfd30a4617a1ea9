import * as tf from '../tf';

/**
 * Ascent steps on the parameters. Each takes the current parameters and the gradient of the
 * objective (to be increased) and returns new parameters; it owns only its own state.
 */
export interface Optimizer {
  name: string;
  /**
   * The next parameters to evaluate. `value` is the objective at `params` (the render loop's
   * total); an optimizer that searches along lines needs it, the others ignore it.
   */
  step(params: tf.Tensor, gradient: tf.Tensor, value?: number): tf.Tensor;
  /**
   * Optional: the parameters to keep when the loop ends (budget spent or stopped), given the ones
   * it would keep. An optimizer that tries points (a line search) gives its best evaluated one.
   * Returns `params` itself or a new tensor.
   */
  settle?(params: tf.Tensor): tf.Tensor;
  dispose(): void;
}

export type AscentNormalization = 'none' | 'mean-abs' | 'rms' | 'progress';

/**
 * Gradient ascent x += lr·d. The direction d by `normalize`:
 * - 'none': the gradient (Simonyan et al.);
 * - 'mean-abs': g / mean|g| (DeepDream), 'rms': g / rms(g): steps in image units whatever the scale
 *   of the objective;
 * - 'progress' (Yosinski et al.'s toolbox): g · min(maxRate, lr/‖g‖²) with lr read as the wanted
 *   first-order rise of the objective per step.
 */
export function gradientAscent(learningRate: number, normalize: AscentNormalization = 'none', maxRate = Infinity): Optimizer {
  return {
    name: normalize === 'none' ? 'gradient ascent' : `gradient ascent (${normalize})`,
    step: (params, g) =>
      tf.tidy(() => {
        const tiny = 1e-12;
        switch (normalize) {
          case 'none':
            return tf.add(params, tf.mul(g, learningRate));
          case 'mean-abs':
            return tf.add(params, tf.mul(tf.div(g, tf.add(tf.mean(tf.abs(g)), tiny)), learningRate));
          case 'rms':
            return tf.add(params, tf.mul(tf.div(g, tf.add(tf.sqrt(tf.mean(tf.square(g))), tiny)), learningRate));
          case 'progress': {
            const rate = tf.minimum(tf.div(learningRate, tf.add(tf.sum(tf.square(g)), tiny)), maxRate);
            return tf.add(params, tf.mul(g, rate));
          }
        }
      }),
    dispose: () => {},
  };
}

/** Adam (Kingma & Ba 2015), ascending: the usual bias-corrected moments, step lr·m̂/(√v̂ + ε). */
export function adam(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): Optimizer {
  let m: tf.Tensor | undefined;
  let v: tf.Tensor | undefined;
  let t = 0;
  return {
    name: 'adam',
    step: (params, g) => {
      t += 1;
      const [nextM, nextV, nextParams] = tf.tidy(() => {
        const m1 = tf.add(tf.mul(m ?? tf.zerosLike(g), beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v ?? tf.zerosLike(g), beta2), tf.mul(tf.square(g), 1 - beta2));
        const mHat = tf.div(m1, 1 - beta1 ** t);
        const vHat = tf.div(v1, 1 - beta2 ** t);
        return [m1, v1, tf.add(params, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), learningRate))];
      });
      tf.dispose([m, v].filter((x): x is tf.Tensor => x !== undefined));
      m = nextM;
      v = nextV;
      return nextParams;
    },
    dispose: () => {
      tf.dispose([m, v].filter((x): x is tf.Tensor => x !== undefined));
      m = v = undefined;
    },
  };
}
