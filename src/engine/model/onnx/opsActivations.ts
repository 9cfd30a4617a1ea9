// Activations other than ReLU (they keep plain autodiff; ReLU rules apply to Relu and Clip(0, max)
// only, as for TF.js layers models). Element-wise, so any layout goes through unchanged.
import * as tf from '../../tf';
import { attrFloat, fail, runtimeInput } from './attrs';
import { constNhwc, constTensor, toNhwc } from './layout';
import type { OpBuilder } from './types';
import { nhwc } from './types';

function unary(f: (x: tf.Tensor, alpha: number, beta: number) => tf.Tensor, alpha = 0, beta = 0): OpBuilder {
  return (ctx) => {
    const [a, b] = [attrFloat(ctx, 'alpha', alpha), attrFloat(ctx, 'beta', beta)];
    return { run: ([x]) => [f(x!, a, b)], layouts: [runtimeInput(ctx, 0).layout] };
  };
}

const hardSigmoid = (x: tf.Tensor, alpha: number, beta: number) => tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1);

/** PRelu: a learned slope per channel (shape [C, 1, 1] from PyTorch), brought channels-last once. */
const prelu: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const slope = ctx.constInput(1, 'slope');
  if (!slope) fail(ctx, 'no slope');
  const image = x.layout.kind === 'nhwc' || x.shape.length === 4;
  const s = ctx.keep(image ? constNhwc(slope) : constTensor(slope));
  return {
    // relu(x) − s·relu(−x): x where positive, s·x where negative.
    run: ([t]) => {
      const v = image ? toNhwc(t!, x.layout) : t!;
      return [tf.sub(tf.relu(v), tf.mul(s, tf.relu(tf.neg(v))))];
    },
    layouts: [image ? nhwc : x.layout],
    params: slope.data.length,
  };
};

export const activationOps: Record<string, OpBuilder> = {
  Tanh: unary((x) => tf.tanh(x)),
  LeakyRelu: unary((x, a) => tf.leakyRelu(x, a), 0.01),
  HardSigmoid: unary(hardSigmoid, 0.2, 0.5),
  HardSwish: unary((x) => tf.mul(x, hardSigmoid(x, 1 / 6, 0.5))),
  PRelu: prelu,
};
