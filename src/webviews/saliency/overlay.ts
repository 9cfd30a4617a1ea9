/// <reference lib="dom" />
// The overlay as the panel shows it (heatmap over the image at the chosen opacity), drawn on a
// canvas for export, so the exported PNG matches the screen; and how the panel scales its maps.

/** Longest side of an exported overlay: a big photo stays a reasonable message. */
const maxSide = 2048;
/** Small images are enlarged (nearest neighbour), as the engine's overlays are. */
const minSide = 256;

function load(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image did not load'));
    img.src = src;
  });
}

/** out = image·(1−opacity) + heatmap·opacity, the heatmap stretched over the whole image. Base64 PNG, or undefined if it cannot be drawn. */
export async function composeOverlay(imageUrl: string, heatmapPng: string, opacity: number): Promise<string | undefined> {
  try {
    const [base, heat] = await Promise.all([load(imageUrl), load(`data:image/png;base64,${heatmapPng}`)]);
    const w0 = base.naturalWidth;
    const h0 = base.naturalHeight;
    if (!w0 || !h0) return undefined;
    const long = Math.max(w0, h0);
    const scale = long < minSide ? Math.ceil(minSide / long) : Math.min(1, maxSide / long);
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w0 * scale));
    canvas.height = Math.max(1, Math.round(h0 * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) return undefined;
    ctx.imageSmoothingEnabled = scale < 1;
    ctx.drawImage(base, 0, 0, canvas.width, canvas.height);
    // The heatmap scaled as the panel shows it (mapRendering), so the export matches the screen.
    ctx.imageSmoothingEnabled = mapRendering({ width: heat.naturalWidth, height: heat.naturalHeight }, canvas) === 'smooth';
    ctx.globalAlpha = Math.min(1, Math.max(0, opacity));
    ctx.drawImage(heat, 0, 0, canvas.width, canvas.height);
    const url = canvas.toDataURL('image/png');
    const comma = url.indexOf(',');
    return url.startsWith('data:image/png;base64,') ? url.slice(comma + 1) : undefined;
  } catch {
    return undefined;
  }
}

/** width / height of an image, once it has loaded. */
export async function aspectOf(url: string): Promise<number | undefined> {
  try {
    const img = await load(url);
    return img.naturalWidth && img.naturalHeight ? img.naturalWidth / img.naturalHeight : undefined;
  } catch {
    return undefined;
  }
}

export type MapRendering = 'pixelated' | 'smooth';

interface Size {
  width: number;
  height: number;
}

/**
 * How to scale a map (or the image under it) to its box: nearest neighbour when it is enlarged on
 * both axes, so each cell of a 28×28 map stays a crisp square instead of a blur that suggests
 * detail the map does not have; smooth when shown at its size or smaller, where nearest neighbour
 * would drop cells and alias. Sizes in CSS pixels; the box is compared in device pixels.
 */
export function mapRendering(natural: Size, box: Size, devicePixelRatio = 1): MapRendering {
  if (!(natural.width > 0 && natural.height > 0 && box.width > 0 && box.height > 0)) return 'smooth';
  const dpr = devicePixelRatio > 0 ? devicePixelRatio : 1;
  const enlarged = Math.min((box.width * dpr) / natural.width, (box.height * dpr) / natural.height) > 1;
  return enlarged ? 'pixelated' : 'smooth';
}

/**
 * Keeps every image of an overlay stack inside `container` rendered as mapRendering says, as
 * images arrive, load, and their boxes change size (window, grid columns). Uses the `pixelated`
 * class of panel.css (the webview's CSP allows no style attributes).
 */
export function keepMapsCrisp(container: HTMLElement): void {
  const update = (img: HTMLImageElement) => {
    const mode = mapRendering({ width: img.naturalWidth, height: img.naturalHeight }, { width: img.clientWidth, height: img.clientHeight }, window.devicePixelRatio);
    img.classList.toggle('pixelated', mode === 'pixelated');
  };
  const resized = new ResizeObserver((entries) => entries.forEach((e) => update(e.target as HTMLImageElement)));
  const watch = (root: ParentNode) => {
    for (const img of Array.from(root.querySelectorAll<HTMLImageElement>('.overlay-stack > img'))) {
      if (img.dataset.crispWatched) continue;
      img.dataset.crispWatched = '1';
      img.addEventListener('load', () => update(img));
      resized.observe(img);
      if (img.complete) update(img);
    }
  };
  new MutationObserver(() => watch(container)).observe(container, { childList: true, subtree: true });
  watch(container);
}
