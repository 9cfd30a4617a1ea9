// `npm run demo`: runs every engine method on the bundled models and sample images and writes a
// browsable gallery (demo-gallery/index.html: the PNGs and their numbers), one progress line per step.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '../src/engine/tf';
import { initBackend } from '../src/engine/backend';
import { encodePng } from '../src/engine/image/encodePng';
import { loadInputImage, type InputImage } from '../src/engine/image/loadInputImage';
import type { RawImage } from '../src/engine/image/rawImage';
import { magnifyNearest } from '../src/engine/render/magnify';
import { renderActivationGrid } from '../src/engine/render/renderActivations';
import { renderFilterGrid } from '../src/engine/render/renderFilters';
import { renderMatrix } from '../src/engine/render/renderMatrix';
import { saliencyOverlay } from '../src/engine/render/renderSaliency';
import { activations } from '../src/engine/methods/activations';
import { filters } from '../src/engine/methods/filters';
import { gram } from '../src/engine/methods/gram';
import { predict } from '../src/engine/methods/predict';
import { attributionMethod } from '../src/engine/methods/catalog';
import type { AttributionResult, TargetSpec } from '../src/engine/methods/types';
import { loadModel } from '../src/engine/model/loadModel';
import type { LoadedModel } from '../src/engine/model/loadedModel';
import { writeGallery, type GalleryCard, type GallerySection } from './demoGallery';
import { synthesisSection } from './demoSynthesis';
import { folderSection } from './demoFolders';

const root = path.resolve(__dirname, '../..');
const outDir = path.join(root, 'demo-gallery');
const noop = () => {};
const signal = new AbortController().signal;
let stepNo = 0;

/** Runs one gallery step with its progress line and timing. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  stepNo += 1;
  process.stdout.write(`[${String(stepNo).padStart(2)}] ${what} … `);
  const t0 = performance.now();
  const result = await run();
  process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return result;
}

function savePng(name: string, image: RawImage): string {
  writeFileSync(path.join(outDir, name), encodePng(image));
  return name;
}

function numbers(r: AttributionResult): string[] {
  const target = r.target.kind === 'class' ? `target class ${r.target.index}${r.target.label ? ` (${r.target.label})` : ''}` : `target: mean of channel ${r.target.channel} of ${r.target.layer}`;
  const details = Object.entries(r.details).filter(([, v]) => !Array.isArray(v)).map(([k, v]) => `${k} ${typeof v === 'number' ? +v.toPrecision(4) : v}`);
  return [target, details.join(', ')];
}

async function saliencyCards(model: LoadedModel, tag: string, img: InputImage, methods: [string, Record<string, unknown>][]): Promise<GalleryCard[]> {
  const cards: GalleryCard[] = [];
  for (const [method, options] of methods) {
    const r = await step(`${tag}: ${method} on ${path.basename(img.file)}`, () => attributionMethod(method).run({ model, input: img.input, progress: noop, signal }, options));
    cards.push({ title: `${method}${options.label ? ` (${options.label})` : ''}`, image: savePng(`${tag}-${path.parse(img.file).name}-${method}${options.label ? '-neuron' : ''}.png`, saliencyOverlay(img.image, r)), lines: numbers(r) });
  }
  return cards;
}

function infoTable(model: LoadedModel): GallerySection['table'] {
  const shape = (s: number[]) => s.join('×');
  return { header: ['layer', 'type', 'output', 'params', 'activation', 'receptive field'], rows: model.layers.map((l) => [l.name, l.type, shape(l.outputShape), String(l.params), l.activation ?? '', l.receptiveField ? (l.receptiveField.global ? 'global' : `${shape(l.receptiveField.size)} / stride ${shape(l.receptiveField.stride)}`) : '']) };
}

async function digitsSection(): Promise<GallerySection> {
  const model = await step('MNIST CNN: load', () => loadModel(path.join(root, 'models/mnist-cnn/model.json')));
  const digitDir = path.join(root, 'samples/digits');
  const digits = readdirSync(digitDir).filter((f) => f.endsWith('.png')).sort().slice(0, 2);
  const cards: GalleryCard[] = [];
  const convs = model.layers.filter((l) => l.isConv);
  for (const conv of convs) {
    const f = await step(`mnist: filters of ${conv.name}`, () => filters(model, undefined as never, { layer: conv.name }, noop, signal));
    cards.push({ title: `filters ${conv.name}`, image: savePng(`mnist-filters-${conv.name}.png`, renderFilterGrid(f)), lines: [`${f.kernel.shape.join('×')} kernel`] });
  }
  for (const file of digits) {
    const img = loadInputImage(model, path.join(digitDir, file));
    const p = await step(`mnist: predict ${file}`, () => predict(model, img.input, { topK: 3 }, noop, signal));
    cards.push({ title: `prediction for ${file}`, image: savePng(`mnist-${path.parse(file).name}.png`, magnifyNearest(img.image, 256)), lines: p.top.map((t) => `class ${t.label ?? t.index}: p=${t.probability.toFixed(4)}, logit ${t.logit.toFixed(3)}`) });
    const last = convs[convs.length - 1]!.name;
    cards.push(
      ...(await saliencyCards(model, 'mnist', img, [
        ['vanilla', {}],
        ['guided', {}],
        ['deconvnet', {}],
        ['smoothgrad', { samples: 25, seed: 0 }],
        ['integrated-gradients', { steps: 50 }],
        ['occlusion', { window: 6, stride: 2 }],
        ['gradcam', {}],
      ])),
      ...(await saliencyCards(model, 'mnist', img, [['guided', { target: { kind: 'neuron', layer: last, channel: 0 } satisfies TargetSpec, label: `neuron ${last}:0` }]])),
    );
    if (file === digits[0]) {
      for (const conv of convs) {
        const a = await step(`mnist: activations of ${conv.name}`, () => activations(model, img.input, { layer: conv.name }, noop, signal));
        cards.push({ title: `activations ${conv.name}`, image: savePng(`mnist-act-${conv.name}.png`, renderActivationGrid(a.activation)), lines: [`${a.activation.shape.join('×')}`] });
      }
      const g = await step(`mnist: Gram matrix of ${last}`, () => gram(model, img.input, { layer: last }, noop, signal));
      cards.push({ title: `Gram ${last}`, image: savePng('mnist-gram.png', renderMatrix(g.gram)), lines: [`${g.gram.shape.join('×')}, G = F·Fᵀ/(H·W)`] });
    }
    img.input.dispose();
  }
  model.dispose();
  return { title: 'MNIST CNN (bundled, trained by scripts/trainMnist.ts)', intro: [model.config.description ?? ''], table: infoTable(model), cards };
}

async function backboneSection(name: string, neuronLayer: string, camLayer: string, occlusionWindow: number): Promise<GallerySection | undefined> {
  const file = path.join(root, `models/${name}/model.json`);
  if (!existsSync(file)) return undefined;
  const model = await step(`${name}: load`, () => loadModel(file));
  const photos = readdirSync(path.join(root, 'samples/photos')).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort().slice(0, 1);
  const cards: GalleryCard[] = [];
  const first = model.layers.find((l) => l.isConv)!.name;
  const f = await step(`${name}: filters of ${first}`, () => filters(model, undefined as never, { layer: first }, noop, signal));
  cards.push({ title: `first-layer filters (${first})`, image: savePng(`${name}-filters.png`, renderFilterGrid(f)), lines: [`${f.kernel.shape.join('×')}, RGB tiles`] });
  for (const photo of photos) {
    const img = loadInputImage(model, path.join(root, 'samples/photos', photo));
    const a = await step(`${name}: activations of ${neuronLayer}`, () => activations(model, img.input, { layer: neuronLayer }, noop, signal));
    // The classes of these backbones are not for showing: explain the most active channel instead.
    const channels = a.activation.shape[3]!;
    const means = Array.from({ length: channels }, (_, c) => a.activation.data.filter((_, i) => i % channels === c).reduce((s, v) => s + v, 0));
    const channel = means.indexOf(Math.max(...means));
    cards.push({ title: `activations ${neuronLayer} (first 64 channels)`, image: savePng(`${name}-act.png`, renderActivationGrid({ shape: [1, a.activation.shape[1]!, a.activation.shape[2]!, Math.min(64, channels)], data: sliceChannels(a.activation.data, channels, 64) })), lines: [`${a.activation.shape.join('×')}; most active channel ${channel}`] });
    const target: TargetSpec = { kind: 'neuron', layer: neuronLayer, channel };
    cards.push(
      ...(await saliencyCards(model, name, img, [
        ['vanilla', { target }],
        ['guided', { target }],
        ['smoothgrad', { target, samples: 8, base: 'guided' }],
        ['integrated-gradients', { target, steps: 16 }],
        ['gradcam', { target, layer: camLayer }],
        ['occlusion', { target, window: occlusionWindow, stride: occlusionWindow }],
      ])),
    );
    img.input.dispose();
  }
  model.dispose();
  return { title: `${name} backbone (converted from nsfwjs at set-up)`, intro: [model.config.description ?? '', `Targets are neurons (mean of the most active ${neuronLayer} channel), since the fine-tuned 5-class head is not shown.`], cards };
}

function sliceChannels(data: Float32Array, channels: number, keep: number): Float32Array {
  const k = Math.min(keep, channels);
  const out = new Float32Array((data.length / channels) * k);
  for (let p = 0; p < data.length / channels; p++) for (let c = 0; c < k; c++) out[p * k + c] = data[p * channels + c]!;
  return out;
}

async function main(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const backend = await initBackend((process.env.CONVSCOPE_BACKEND as 'auto') ?? 'auto');
  const backendLine = `backend: ${backend.name} (${backend.package}, tfjs ${backend.tfjsVersion})`;
  console.log(`ConvScope demo — ${backendLine}`);
  const sections = [await digitsSection()];
  for (const [name, layer, cam, window] of [['mobilenetv2', 'block_6_expand_relu', 'block_5_add', 32], ['inceptionv3', 'mixed3', 'mixed2', 60]] as const) {
    const s = await backboneSection(name, layer, cam, window);
    if (s) sections.push(s);
  }
  sections.push(await synthesisSection({ root, step, savePng }));
  sections.push(await folderSection({ root, step, savePng }));
  const index = writeGallery(outDir, 'ConvScope demo gallery', backendLine, sections);
  console.log(`gallery: ${index}  (tensors alive: ${tf.memory().numTensors})`);
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
