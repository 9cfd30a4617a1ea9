import type * as tfl from '@tensorflow/tfjs-layers';
import { allLayers } from './layersForward';
import type { LayerInfo } from '../../shared/engineProtocol';
import { inputField, nextField, type ReceptiveField, type SpatialOp } from './receptiveField';

/** The engine's layer table row is the protocol's: it crosses to the host as is. */
export type LayerSummary = LayerInfo;

const convTypes = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);
const poolTypes = new Set(['MaxPooling2D', 'AveragePooling2D']);
const globalTypes = new Set(['GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Flatten', 'Dense', 'Reshape']);

export function isConvType(type: string): boolean {
  return convTypes.has(type);
}

type LayerWithConfig = tfl.layers.Layer & { inboundNodes: { inboundLayers: tfl.layers.Layer[]; inputShapes: unknown }[] };

export function summarizeLayers(model: tfl.LayersModel): LayerSummary[] {
  const inputShape = model.inputs[0]!.shape;
  const imageSize: [number, number] = [inputShape[1] ?? 0, inputShape[2] ?? 0];
  const fields = new Map<string, ReceptiveField>();
  const fieldOf = (layer: LayerWithConfig): ReceptiveField => {
    const known = fields.get(layer.name);
    if (known) return known;
    const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
    const field = layer.getClassName() === 'InputLayer' ? inputField : nextField(inbound.map((l) => fieldOf(l as LayerWithConfig)), spatialOp(layer), imageSize);
    fields.set(layer.name, field);
    return field;
  };
  return allLayers(model)
    .filter((l) => l.getClassName() !== 'InputLayer')
    .map((layer) => {
      const type = layer.getClassName();
      const shape = (Array.isArray(layer.outputShape[0]) ? layer.outputShape[0] : layer.outputShape) as (number | null)[];
      const activation = (layer as unknown as { activation?: { getClassName(): string } }).activation?.getClassName?.().toLowerCase();
      const summary: LayerSummary = { name: layer.name, type, outputShape: shape.slice(1).map((d) => d ?? -1), params: layer.countParams(), isConv: convTypes.has(type) };
      if (activation && activation !== 'linear') summary.activation = activation;
      if (shape.length === 4 || globalTypes.has(type)) summary.receptiveField = fieldOf(layer as LayerWithConfig);
      return summary;
    });
}

function spatialOp(layer: tfl.layers.Layer): SpatialOp {
  const type = layer.getClassName();
  const c = layer.getConfig() as Record<string, unknown>;
  const pair = (v: unknown, fallback: number): [number, number] => (Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : typeof v === 'number' ? [v, v] : [fallback, fallback]);
  const inShape = (layer as LayerWithConfig).inboundNodes[0]?.inputShapes as (number | null)[] | undefined;
  const inputSize: [number, number] = [inShape?.[1] ?? 0, inShape?.[2] ?? 0];
  if (convTypes.has(type)) return { kind: 'window', kernel: pair(c.kernelSize, 1), strides: pair(c.strides, 1), dilation: pair(c.dilationRate, 1), padding: c.padding as 'same' | 'valid', inputSize };
  if (poolTypes.has(type)) {
    const kernel = pair(c.poolSize, 2);
    return { kind: 'window', kernel, strides: pair(c.strides ?? c.poolSize, kernel[0]), padding: c.padding as 'same' | 'valid', inputSize };
  }
  if (globalTypes.has(type)) return { kind: 'global' };
  if (type === 'UpSampling2D') return { kind: 'upsample', upsample: pair(c.size, 2) };
  return { kind: 'pass' };
}
