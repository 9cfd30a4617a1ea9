/// <reference lib="dom" />
// Draws the exported figure on a canvas from the images the host sent as data: URLs (a canvas that
// drew a webview-URI image would be tainted and could not be read back).
import type { NeighborsShown } from '../../shared/neighborsMessages';
import { themeColor } from '../ui';
import { figureLayout, type Mark } from './tiles';

const tile = 96;
const borderColors: Record<Mark | 'query', string> = { match: '#1ea03c', mismatch: '#d22828', unknown: '#969696', query: '#282828' };

function load(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('an image of the result could not be read'));
    img.src = url;
  });
}

/** The figure as a base64 PNG (without the data: prefix). */
export async function drawFigure(result: NeighborsShown, images: Record<string, string>): Promise<string> {
  const layout = figureLayout(result.query.path, result.queryLabel, result.rows, tile);
  const canvas = document.createElement('canvas');
  canvas.width = layout.width;
  canvas.height = layout.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas in this webview');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#282828';
  ctx.font = `12px ${themeColor('--vscode-font-family', 'sans-serif')}`;
  ctx.textBaseline = 'top';
  for (const t of layout.titles) ctx.fillText(t.text, t.x, t.y);
  for (const cell of layout.cells) {
    const url = images[cell.path];
    ctx.fillStyle = '#ececec';
    ctx.fillRect(cell.x, cell.y, tile, tile);
    if (url) {
      const img = await load(url);
      // Letterboxed: the image's aspect kept inside the square tile; small digits stay crisp.
      const s = Math.min(tile / img.naturalWidth, tile / img.naturalHeight);
      const w = img.naturalWidth * s;
      const h = img.naturalHeight * s;
      ctx.imageSmoothingEnabled = s < 2;
      ctx.drawImage(img, cell.x + (tile - w) / 2, cell.y + (tile - h) / 2, w, h);
    }
    ctx.strokeStyle = borderColors[cell.mark];
    ctx.lineWidth = 3;
    ctx.strokeRect(cell.x - 1.5, cell.y - 1.5, tile + 3, tile + 3);
    ctx.fillStyle = '#282828';
    ctx.fillText(cell.caption, cell.x, cell.y + tile + 3, tile);
  }
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
