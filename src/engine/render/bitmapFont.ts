import type { RawImage } from '../image/rawImage';

/**
 * A small bitmap font of our own for labels on figures (legends, captions, titles), so the engine
 * can write text into a RawImage without a font file or a canvas library.
 *
 * Each glyph is 5 pixels wide in a 6×9 cell: 7 rows above the baseline plus 2 rows for descenders
 * (g, j, p, q, y, comma, underscore), and one blank column on the right as letter spacing.
 */
export const GLYPH_WIDTH = 5;
export const CELL_WIDTH = 6;
export const CELL_HEIGHT = 9;

/**
 * Printable ASCII 32..126 in order. One base-32 digit per glyph row, top row first; a row's five
 * bits are its pixels, the highest bit the leftmost. Trailing empty rows are left out, so most
 * glyphs are 7 characters and the space is ''.
 */
const GLYPHS: readonly string[] = [
  '', '4444404', 'aa', 'aavavaa', '4fke5u4', 'pp248jj', 'cik8lid', '44', '2488842', '8422248', '04lel4', '044v44',
  '00000c48', '000v', '00000cc', '11248gg', 'ehjlphe', '4c4444e', 'eh1248v', 'v2421he', '26aiv22', 'vgu11he', '68guhhe', 'v124888',
  'ehhehhe', 'ehhf12c', '0cc0cc', '0cc0c48', '248g842', '00v0v', '8421248', 'eh12404', 'eh1dlle', 'ehhvhhh', 'uhhuhhu', 'ehggghe',
  'sihhhis', 'vgguggv', 'vgguggg', 'ehgnhhf', 'hhhvhhh', 'e44444e', '72222ic', 'hikokih', 'ggggggv', 'hrllhhh', 'hhpljhh', 'ehhhhhe',
  'uhhuggg', 'ehhhlid', 'uhhukih', 'fgge11u', 'v444444', 'hhhhhhe', 'hhhhha4', 'hhhllla', 'hha4ahh', 'hha4444', 'v1248gv', 'e88888e',
  'gg84211', 'e22222e', '4ah', '0000000v', '84', '00e1fhf', 'ggmphhu', '00egghe', '11djhhf', '00ehvge', '698s888', '00fhhhf1e',
  'ggmphhh', '40c444e', '2062222ic', 'ggikoki', 'c44444e', '00qllll', '00mphhh', '00ehhhe', '00uhhhugg', '00fhhhf11', '00mpggg', '00fge1u',
  '88s8896', '00hhhjd', '00hhha4', '00hhlla', '00ha4ah', '00hhhhf1e', '00v248v', '2448442', '4444444', '8442448', '008l2',
];

/** Characters without a glyph (outside 32..126, tabs, non-ASCII) draw as this hollow box, so they are visibly not a space. */
const UNKNOWN = 'vhhhhhv';

/** The rows (5-bit masks, top first, always CELL_HEIGHT of them) of the glyph for one character. */
export function glyphRows(ch: string): number[] {
  const code = ch.codePointAt(0) ?? 0;
  const spec = code >= 32 && code <= 126 ? GLYPHS[code - 32]! : UNKNOWN;
  const rows = new Array<number>(CELL_HEIGHT).fill(0);
  for (let r = 0; r < spec.length; r++) rows[r] = parseInt(spec[r]!, 32);
  return rows;
}

function checkScale(scale: number): void {
  if (!(Number.isInteger(scale) && scale >= 1)) throw new Error(`bitmapFont: scale must be a positive integer (got ${scale})`);
}

/** Characters as the font counts them: one per code point, so an emoji is one (unknown) box, not two. */
function chars(line: string): string[] {
  return Array.from(line);
}

/**
 * Width in pixels of `text` drawn at `scale`: 6 pixels per character less the spacing column after
 * the last one, so (6n − 1)·scale; 0 for ''. With newlines, the widest line.
 */
export function textWidth(text: string, scale = 1): number {
  checkScale(scale);
  let widest = 0;
  for (const line of text.split('\n')) {
    const n = chars(line).length;
    if (n > 0) widest = Math.max(widest, (n * CELL_WIDTH - 1) * scale);
  }
  return widest;
}

/** Height of one line of text, descenders included: 9·scale. Lines of multi-line text are this far apart. */
export function textHeight(scale = 1): number {
  checkScale(scale);
  return CELL_HEIGHT * scale;
}

/**
 * Shortens `text` with a trailing '..' until it fits `maxWidth` (captions and legend labels must not
 * run into their neighbours); returns '' when not even '..' fits.
 */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  if (textWidth(text, scale) <= maxWidth) return text;
  const cs = chars(text);
  for (let n = cs.length - 1; n >= 0; n--) {
    const candidate = cs.slice(0, n).join('') + '..';
    if (textWidth(candidate, scale) <= maxWidth) return candidate;
  }
  return '';
}

/**
 * Writes `text` with its top-left corner at (x, y) in `color`, each font pixel a scale×scale block.
 * Only glyph pixels are written (the background shows through); pixels outside the image are
 * clipped. Grey images get the colour's luma, RGBA images an opaque pixel. '\n' starts a new line.
 */
export function drawText(img: RawImage, text: string, x: number, y: number, color: [number, number, number], scale = 1): void {
  checkScale(scale);
  const { width, height, channels, data } = img;
  const grey = Math.round(0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]);
  const put = (px: number, py: number): void => {
    if (px < 0 || py < 0 || px >= width || py >= height) return;
    const o = (py * width + px) * channels;
    if (channels === 1) {
      data[o] = grey;
      return;
    }
    data[o] = color[0];
    data[o + 1] = color[1];
    data[o + 2] = color[2];
    if (channels === 4) data[o + 3] = 255;
  };
  const x0 = Math.round(x);
  let top = Math.round(y);
  for (const line of text.split('\n')) {
    let left = x0;
    for (const ch of chars(line)) {
      const rows = glyphRows(ch);
      for (let r = 0; r < CELL_HEIGHT; r++) {
        const bits = rows[r]!;
        if (bits === 0) continue;
        for (let c = 0; c < GLYPH_WIDTH; c++) {
          if (!(bits & (1 << (GLYPH_WIDTH - 1 - c)))) continue;
          for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) put(left + c * scale + dx, top + r * scale + dy);
        }
      }
      left += CELL_WIDTH * scale;
    }
    top += CELL_HEIGHT * scale;
  }
}
