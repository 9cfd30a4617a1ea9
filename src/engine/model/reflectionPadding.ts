// Reflection padding (as PyTorch's ReflectionPad2d) as a TF.js layer the engine registers, for the
// style transform network: zero padding makes its convolutions see a dark frame, which it learns to
// paint as a border. tf.mirrorPad with our own gradient: TF.js's MirrorPad gradient only slices out
// the centre and drops what the mirrored rows and columns pass back (gathers would be exact but
// GatherV2 on wasm took 0.9 s of a 2.9 s training step).
import * as tf from '../tf';
import * as tfl from '@tensorflow/tfjs-layers';

export interface ReflectionPadding2DArgs {
  name?: string;
  /** Rows and columns added on each side (less than the input's height and width). */
  padding: number;
}

/**
 * The adjoint of reflecting `pad` rows (axis 1) or columns (axis 2) at both ends: the centre of
 * dy, plus its mirrored margins added back onto the rows they copied (rows 1..pad and
 * length−1−pad..length−2). Done on a 3-D view [outer, side, inner] (wasm slices the middle axis of
 * a 3-D tensor about 3× faster than the same slice of the 4-D one).
 */
function reflectAdjoint(dy: tf.Tensor4D, axis: 1 | 2, length: number, pad: number): tf.Tensor4D {
  const [n, h, w, c] = dy.shape;
  const view = tf.reshape(dy, axis === 1 ? [n, h, w * c] : [n * h, w, c]) as tf.Tensor3D;
  const along = (start: number, size: number) => tf.slice(view, [0, start, 0], [-1, size, -1]);
  const centre = along(pad, length);
  const head = tf.pad(tf.reverse(along(0, pad), 1), [[0, 0], [1, length - 1 - pad], [0, 0]]);
  const tail = tf.pad(tf.reverse(along(length + pad, pad), 1), [[0, 0], [length - 1 - pad, 1], [0, 0]]);
  const sum = tf.addN([centre, head, tail]);
  return tf.reshape(sum, axis === 1 ? [n, length, w, c] : [n, h, length, c]) as tf.Tensor4D;
}

/** Pads height and width by reflection (2 1 | 0 1 2 3 | 2 1), with the exact gradient. */
export function reflectionPad(x: tf.Tensor4D, pad: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (pad >= h || pad >= w) throw new Error(`ReflectionPadding2D: padding ${pad} needs height and width above ${pad}, got ${h}×${w}`);
  const padded = tf.customGrad((input) => {
    return {
      value: tf.mirrorPad(input as tf.Tensor4D, [[0, 0], [pad, pad], [pad, pad], [0, 0]], 'reflect'),
      gradFunc: (dy: tf.Tensor) => reflectAdjoint(reflectAdjoint(dy as tf.Tensor4D, 2, w, pad), 1, h, pad),
    };
  });
  return padded(x) as tf.Tensor4D;
}

export class ReflectionPadding2D extends tfl.layers.Layer {
  static readonly className = 'ReflectionPadding2D';
  readonly padding: number;

  constructor(args: ReflectionPadding2DArgs) {
    super(args);
    this.padding = args.padding;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return this.padding === 0 ? tf.clone(x) : reflectionPad(x as tf.Tensor4D, this.padding);
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const grow = (d: number | null) => (d == null ? null : d + 2 * this.padding);
    return [s[0]!, grow(s[1]!), grow(s[2]!), s[3]!];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}

tf.serialization.registerClass(ReflectionPadding2D);
