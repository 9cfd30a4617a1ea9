// The demo gallery's fast style cards: each shipped style network (models/style-*/) applied to two
// bundled photos in one forward pass, beside its style image and the photos, with how it was trained.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { decodeImageFile } from '../src/engine/image/decodeImage';
import { resizeBilinear } from '../src/engine/image/resize';
import { sideBySide } from '../src/engine/render/sideBySide';
import { applyStyleNetwork } from '../src/engine/synthesis/fastStyle/applyStyle';
import { loadStyleNetwork } from '../src/engine/synthesis/fastStyle/styleNetwork';
import type { DemoKit, GalleryCard } from './demoGallery';

export async function fastStyleCards(kit: DemoKit): Promise<GalleryCard[]> {
  const models = path.join(kit.root, 'models');
  const nets = readdirSync(models).filter((d) => d.startsWith('style-') && existsSync(path.join(models, d, 'model.json'))).sort();
  const photos = ['chelsea.png', 'astronaut.jpg'].map((f) => path.join(kit.root, 'samples/photos', f));
  const cards: GalleryCard[] = [];
  for (const dir of nets) {
    const net = await loadStyleNetwork(path.join(models, dir, 'model.json'));
    try {
      // A first small pass so that the timings below are of a warm network (wasm's first run of
      // each kernel and the heap's growth are paid once per engine, not per image).
      await applyStyleNetwork(net, decodeImageFile(photos[0]!), 64);
      const results = [];
      for (const photo of photos) {
        // Each result 256 px high, so that they sit side by side.
        const raw = decodeImageFile(photo);
        const size = Math.round((256 * Math.max(raw.width, raw.height)) / raw.height);
        results.push(await kit.step(`${dir}: style-apply ${path.basename(photo)} at ${size}`, () => applyStyleNetwork(net, raw, size)));
      }
      const height = results[0]!.image.height;
      const thumb = (file: string) => {
        const raw = decodeImageFile(file);
        return resizeBilinear(raw, Math.round((raw.width * height) / raw.height), height);
      };
      const r = net.record;
      cards.push({
        title: `fast style network ${dir} (style, photo, result): one forward pass per photo`,
        image: kit.savePng(`synthesis-fast-${dir}.png`, sideBySide([thumb(path.join(kit.root, 'samples/styles', r.style)), thumb(photos[0]!), results[0]!.image, thumb(photos[1]!), results[1]!.image])),
        lines: [
          `style-apply: ${results.map((x) => `${x.width}×${x.height} in ${x.milliseconds.toFixed(0)} ms`).join(', ')}`,
          `trained by scripts/trainStyle.ts: ${r.stepsDone} steps × batch ${r.batch} at ${r.size}² in ${(r.trainingSeconds / 60).toFixed(0)} min on the ${r.contentImages.length} bundled photos (random crops, mirrored); final losses content ${r.finalLosses.content}, style ${r.finalLosses.style} (models/${dir}/TRAINING.md)`,
        ],
      });
    } finally {
      net.dispose();
    }
  }
  return cards;
}
