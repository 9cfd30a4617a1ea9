/// <reference lib="dom" />
// The overlay as the panel shows it (heatmap over the image at the chosen opacity), drawn on a
// canvas for export, so the exported PNG matches the screen.

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
    ctx.imageSmoothingEnabled = true;
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
