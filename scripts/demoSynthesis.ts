// The demo gallery's synthesis section: the ten digits visualized (and checked: each must read back
// as itself with p ≥ 0.9), the presets side by side, three InceptionV3 channels with the lucid
// preset, feature inversion at three depths, a DeepDream, textures at two sizes and style transfers
// (two weights, a blend, two style scales), each beside its inputs, and the shipped fast style networks.
import * as path from 'node:path';
import * as tf from '../src/engine/tf';
import { decodeImageFile } from '../src/engine/image/decodeImage';
import { imageToInput } from '../src/engine/image/prepareInput';
import type { RawImage } from '../src/engine/image/rawImage';
import { resizeBilinear } from '../src/engine/image/resize';
import { loadModel } from '../src/engine/model/loadModel';
import type { LoadedModel } from '../src/engine/model/loadedModel';
import { magnifyNearest } from '../src/engine/render/magnify';
import { tileGrid } from '../src/engine/render/grid';
import { sideBySide } from '../src/engine/render/sideBySide';
import { dreamMethod } from '../src/engine/synthesis/dream';
import type { SynthesisOutput } from '../src/engine/synthesis/descriptor';
import { invertMethod } from '../src/engine/synthesis/invert';
import { presetNames } from '../src/engine/synthesis/presets';
import { visualizeMethod } from '../src/engine/synthesis/visualize';
import { styleMethod } from '../src/engine/synthesis/style';
import { textureMethod } from '../src/engine/synthesis/texture';
import type { DemoKit, GalleryCard, GallerySection } from './demoGallery';

export type { DemoKit } from './demoGallery';
import { fastStyleCards } from './demoFastStyle';


const signal = new AbortController().signal;
const noop = () => {};

/** Probability of `digit` for an 8-bit image, as predict would read the written PNG. */
function probabilityOf(model: LoadedModel, image: RawImage, digit: number): number {
  return tf.tidy(() => tf.softmax(model.forward(imageToInput(image, model.inputShape, model.config.preprocessing)).logits).dataSync()[digit]!);
}

const curveLine = (o: SynthesisOutput) => `objective ${+o.curve[0]!.total.toPrecision(4)} → ${+o.curve[o.curve.length - 1]!.total.toPrecision(4)} over ${o.curve.length} steps`;

async function digitCards(kit: DemoKit): Promise<GalleryCard[]> {
  const model = await loadModel(path.join(kit.root, 'models/mnist-cnn/model.json'));
  try {
    const tiles: RawImage[] = [];
    const probabilities: number[] = [];
    for (let digit = 0; digit < 10; digit++) {
      const out = await kit.step(`mnist: visualize class ${digit} (lucid)`, () => visualizeMethod.run({ model, progress: noop, signal }, { target: digit }));
      tiles.push(magnifyNearest(out.image, 112));
      probabilities.push(probabilityOf(model, out.image, digit));
    }
    const failed = probabilities.flatMap((p, d) => (p < 0.9 ? [`${d} (p=${p.toFixed(3)})`] : []));
    if (failed.length) throw new Error(`class visualization of digits ${failed.join(', ')} reads back below p = 0.9`);
    const cards: GalleryCard[] = [{ title: 'classes 0–9, preset lucid (default)', image: kit.savePng('synthesis-digits-lucid.png', tileGrid(tiles, { columns: 10 })), lines: [`predict on each 28×28 image: p(class) = ${probabilities.map((p) => p.toFixed(3)).join(', ')}`] }];
    const presetTiles: RawImage[] = [];
    const presetLines: string[] = [];
    for (const preset of presetNames) {
      const out = await kit.step(`mnist: visualize class 3 (${preset})`, () => visualizeMethod.run({ model, progress: noop, signal }, { target: 3, preset }));
      presetTiles.push(magnifyNearest(out.image, 112));
      presetLines.push(`${preset}: p(3) = ${probabilityOf(model, out.image, 3).toFixed(3)}`);
    }
    cards.push({ title: `class 3 by preset: ${presetNames.join(', ')}`, image: kit.savePng('synthesis-digit3-presets.png', tileGrid(presetTiles, { columns: presetTiles.length })), lines: [presetLines.join('; ')] });
    return cards;
  } finally {
    model.dispose();
  }
}

/** The input photo, scaled to the result's height, beside the result. */
function besideInput(input: RawImage, result: RawImage): RawImage {
  const h = result.height;
  return sideBySide([resizeBilinear(input, Math.round((input.width * h) / input.height), h), result]);
}

async function inceptionCards(kit: DemoKit): Promise<GalleryCard[]> {
  const model = await loadModel(path.join(kit.root, 'models/inceptionv3/model.json'));
  const photo = path.join(kit.root, 'samples/photos/chelsea.png');
  const raw = decodeImageFile(photo);
  try {
    const cards: GalleryCard[] = [];
    const channels: Array<[string, number, string]> = [['mixed1', 40, 'early'], ['mixed4', 1, 'middle'], ['mixed7', 300, 'late']];
    const tiles: RawImage[] = [];
    const lines: string[] = [];
    for (const [layer, channel, depth] of channels) {
      const out = await kit.step(`inceptionv3: visualize ${layer} channel ${channel} (lucid, 256 steps)`, () => visualizeMethod.run({ model, progress: noop, signal }, { layer, channel, steps: 256 }));
      tiles.push(out.image);
      lines.push(`${depth}: ${layer}:${channel}, ${curveLine(out)}`);
    }
    cards.push({ title: 'channels, early → late (lucid preset, 128², 256 steps)', image: kit.savePng('synthesis-inception-channels.png', tileGrid(tiles, { columns: 3 })), lines });
    const layers = ['conv2d_3', 'mixed2', 'mixed5'];
    const inv = await kit.step(`inceptionv3: invert ${path.basename(photo)} at ${layers.join(', ')}`, () => invertMethod.run({ model, image: { file: photo, raw }, progress: noop, signal }, { layers }));
    const errors = (inv.extra?.perLayer as Array<{ layer: string; relativeErrorStart: number; relativeErrorEnd: number }>).map((l) => `${l.layer}: ‖φ(x̂)−φ(x)‖/‖φ(x)‖ ${l.relativeErrorStart.toFixed(3)} → ${l.relativeErrorEnd.toFixed(3)}`);
    cards.push({ title: `feature inversion: the photo, then from ${layers.join(', ')}`, image: kit.savePng('synthesis-inception-inversion.png', besideInput(raw, inv.image)), lines: errors });
    const dream = await kit.step(`inceptionv3: DeepDream of ${path.basename(photo)} (defaults: mixed3, 4 octaves × 10 steps)`, () => dreamMethod.run({ model, image: { file: photo, raw }, progress: noop, signal }, {}));
    cards.push({ title: 'DeepDream (mixed3, defaults): the photo and its dream', image: kit.savePng('synthesis-inception-dream.png', besideInput(raw, dream.image)), lines: [curveLine(dream)] });
    return cards;
  } finally {
    model.dispose();
  }
}

/** Texture at two sizes; style with two weights, a two-style blend and two style scales (InceptionV3, 160 px, 150 steps). */
async function styleCards(kit: DemoKit): Promise<GalleryCard[]> {
  const model = await loadModel(path.join(kit.root, 'models/inceptionv3/model.json'));
  const coffee = path.join(kit.root, 'samples/photos/coffee.jpg');
  const cat = path.join(kit.root, 'samples/photos/chelsea.png');
  const scream = path.join(kit.root, 'samples/styles/scream.jpg');
  const astronaut = path.join(kit.root, 'samples/photos/astronaut.jpg');
  const thumb = (file: string, h: number) => {
    const raw = decodeImageFile(file);
    return resizeBilinear(raw, Math.round((raw.width * h) / raw.height), h);
  };
  try {
    const cards: GalleryCard[] = [];
    const textures: RawImage[] = [];
    const lines: string[] = [];
    for (const size of ['128', '224x128']) {
      const out = await kit.step(`inceptionv3: texture of coffee.jpg at ${size}`, () => textureMethod.run({ model, image: { file: coffee, raw: decodeImageFile(coffee) }, progress: noop, signal }, { size, steps: 200 }));
      textures.push(out.image);
      lines.push(`${size}: Gram loss per layer ${(out.details.gramLossStart as number[]).map((v) => v.toFixed(3)).join(', ')} → ${(out.details.gramLossEnd as number[]).map((v) => v.toFixed(3)).join(', ')}`);
    }
    cards.push({ title: 'texture of coffee.jpg at two sizes (beside the texture)', image: kit.savePng('synthesis-texture.png', sideBySide([thumb(coffee, 128), ...textures])), lines });
    const variants: Array<[string, string, Record<string, unknown>]> = [
      ['style weight 10', 'weight10', { styles: [scream], styleWeightTotal: 10 }],
      ['style weight 100 (default)', 'weight100', { styles: [scream] }],
      ['blend: The Scream 1 : astronaut 1', 'blend', { styles: [scream, astronaut], styleWeights: '1,1' }],
      ['style scale 0.5', 'scale05', { styles: [scream], styleScale: 0.5 }],
      ['style scale 2', 'scale2', { styles: [scream], styleScale: 2 }],
    ];
    for (const [title, tag, options] of variants) {
      const out = await kit.step(`inceptionv3: style chelsea.png, ${title}`, () => styleMethod.run({ model, progress: noop, signal }, { content: cat, size: 160, steps: 150, ...options }));
      const styleThumbs = (options.styles as string[]).map((f) => thumb(f, out.image.height));
      const d = out.details as Record<string, number>;
      cards.push({ title: `style transfer, ${title}: content, style, result`, image: kit.savePng(`synthesis-style-${tag}.png`, sideBySide([thumb(cat, out.image.height), ...styleThumbs, out.image])), lines: [`content loss ${d.contentLossStart!.toExponential(1)} → ${d.contentLossEnd!.toFixed(3)}, style loss ${d.styleLossStart!.toFixed(3)} → ${d.styleLossEnd!.toFixed(4)}`] });
    }
    return cards;
  } finally {
    model.dispose();
  }
}

export async function synthesisSection(kit: DemoKit): Promise<GallerySection> {
  const cards = [...(await digitCards(kit)), ...(await inceptionCards(kit)), ...(await styleCards(kit)), ...(await fastStyleCards(kit))];
  return {
    title: 'Synthesis: images made by gradient ascent',
    intro: ['Class and channel visualization (visualize), feature inversion (invert), DeepDream (dream), texture synthesis (texture) and style transfer (style), all through the one render loop; then the shipped fast style networks (style-apply), one forward pass each. The digits are checked: each image is fed back through predict.'],
    cards,
  };
}
