import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/engine/image/rawImage';
import { drawText, fitText, glyphRows, textHeight, textWidth } from '../../src/engine/render/bitmapFont';
import { CATEGORICAL_PALETTE, colorForIndex, naturalLabelOrder } from '../../src/engine/render/categoricalColors';
import { createCanvas, letterbox } from '../../src/engine/render/canvas';
import { renderScatter, scatterLayout } from '../../src/engine/render/scatterPlot';
import { MATCH_COLOR, MISMATCH_COLOR, QUERY_COLOR, UNKNOWN_COLOR, neighborsLayout, renderNeighborsFigure } from '../../src/engine/render/neighborsFigure';
import { patchGridLayout, renderPatchGrids } from '../../src/engine/render/patchGrid';

type Rgb = [number, number, number];
const px = (img: RawImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * img.channels, (y * img.width + x + 1) * img.channels));
const solid = (w: number, h: number, c: Rgb): RawImage => createCanvas(w, h, c);
const WHITE = [255, 255, 255];

/** Pixels of an RGB image that are not black, as "x,y". */
function lit(img: RawImage): Set<string> {
  const s = new Set<string>();
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (px(img, x, y).some((v) => v !== 0)) s.add(`${x},${y}`);
  return s;
}

describe('bitmap font', () => {
  it('draws the glyph pixels where the glyph has them and nothing else', () => {
    const img = createCanvas(20, 20, [0, 0, 0]);
    drawText(img, 'I', 2, 3, [255, 0, 0]);
    // 'I': a 3-wide bar on rows 0 and 6, the stem in the middle column on rows 1..5.
    const expected = new Set<string>();
    for (const x of [3, 4, 5]) expected.add(`${x},3`).add(`${x},9`);
    for (let y = 4; y <= 8; y++) expected.add(`4,${y}`);
    expect(lit(img)).toEqual(expected);
    expect(px(img, 4, 5)).toEqual([255, 0, 0]);
  });

  it('scales each font pixel to a solid block', () => {
    const img = createCanvas(30, 30, [0, 0, 0]);
    drawText(img, 'I', 0, 0, [9, 9, 9], 2);
    expect(lit(img).size).toBe(11 * 4);
    for (const [x, y] of [[2, 0], [3, 1], [4, 2], [5, 13], [5, 11]]) expect(px(img, x!, y!)).toEqual([9, 9, 9]);
    expect(px(img, 1, 0)).toEqual([0, 0, 0]);
  });

  it('has a distinct, non-empty 5-pixel-wide glyph for every printable character but space', () => {
    const seen = new Map<string, string>();
    for (let c = 33; c <= 126; c++) {
      const ch = String.fromCharCode(c);
      const rows = glyphRows(ch);
      expect(rows).toHaveLength(9);
      expect(rows.some((r) => r !== 0), ch).toBe(true);
      expect(rows.every((r) => r >= 0 && r < 32), ch).toBe(true);
      const key = rows.join(',');
      expect(seen.get(key), `${ch} looks like ${seen.get(key)}`).toBeUndefined();
      seen.set(key, ch);
    }
    expect(glyphRows(' ').every((r) => r === 0)).toBe(true);
    // Descenders use the two rows under the baseline; x-height letters do not.
    for (const ch of 'gjpqy') expect(glyphRows(ch).slice(7).some((r) => r !== 0), ch).toBe(true);
    for (const ch of 'aceAZ09') expect(glyphRows(ch).slice(7).every((r) => r === 0), ch).toBe(true);
  });

  it('draws an unknown character as a hollow box', () => {
    const img = createCanvas(10, 10, [0, 0, 0]);
    drawText(img, 'é', 0, 0, [255, 255, 255]);
    const s = lit(img);
    for (let x = 0; x < 5; x++) expect(s.has(`${x},0`) && s.has(`${x},6`)).toBe(true);
    for (let y = 0; y < 7; y++) expect(s.has(`0,${y}`) && s.has(`4,${y}`)).toBe(true);
    expect(s.has('2,3')).toBe(false);
    expect(s.size).toBe(5 + 5 + 2 * 5);
  });

  it('measures text as (6n - 1) * scale wide and 9 * scale tall, matching what it draws', () => {
    expect(textWidth('')).toBe(0);
    expect(textWidth('a')).toBe(5);
    expect(textWidth('abc')).toBe(17);
    expect(textWidth('abc', 2)).toBe(34);
    expect(textWidth('ab\nwxyz')).toBe(23);
    expect(textHeight()).toBe(9);
    expect(textHeight(3)).toBe(27);
    const img = createCanvas(80, 20, [0, 0, 0]);
    drawText(img, 'HMW', 5, 2, [1, 1, 1], 2); // H and W fill their first and last columns
    const xs = [...lit(img)].map((k) => Number(k.split(',')[0]));
    expect(Math.min(...xs)).toBe(5);
    expect(Math.max(...xs)).toBe(5 + textWidth('HMW', 2) - 1);
    expect(() => textWidth('a', 1.5)).toThrow(/scale/);
  });

  it('clips at the image edges, writes luma into grey images and keeps RGBA opaque', () => {
    const img = createCanvas(4, 4, [0, 0, 0]);
    expect(() => drawText(img, 'WW', -3, -2, [255, 255, 255])).not.toThrow();
    expect(lit(img).size).toBeGreaterThan(0);
    const grey: RawImage = { width: 8, height: 9, channels: 1, data: new Uint8Array(72) };
    drawText(grey, 'I', 0, 0, [255, 0, 0]);
    expect(grey.data[1]).toBe(76);
    const rgba: RawImage = { width: 8, height: 9, channels: 4, data: new Uint8Array(288) };
    drawText(rgba, 'I', 0, 0, [1, 2, 3]);
    expect(px(rgba, 1, 0)).toEqual([1, 2, 3, 255]);
    expect(px(rgba, 0, 0)).toEqual([0, 0, 0, 0]);
  });

  it('shortens text with ".." to fit a width', () => {
    expect(fitText('cat', 100)).toBe('cat');
    expect(fitText('rocket_long_label', 6 * 8 - 1)).toBe('rocket..');
    expect(textWidth(fitText('rocket_long_label', 50))).toBeLessThanOrEqual(50);
    expect(fitText('abc', 3)).toBe('');
  });
});

describe('categorical colours', () => {
  it('has at least 20 clearly different colours, all visible on white', () => {
    expect(CATEGORICAL_PALETTE.length).toBeGreaterThanOrEqual(20);
    const lum = (c: readonly number[]) => {
      const l = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * l[0]! + 0.7152 * l[1]! + 0.0722 * l[2]!;
    };
    for (const [i, a] of CATEGORICAL_PALETTE.entries()) {
      expect(1.05 / (lum(a) + 0.05), `colour ${i} vs white`).toBeGreaterThanOrEqual(2);
      for (const b of CATEGORICAL_PALETTE.slice(i + 1)) expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeGreaterThan(50);
    }
  });

  it('gives colours by index, repeating past the end', () => {
    const n = CATEGORICAL_PALETTE.length;
    expect(colorForIndex(0)).toEqual([...CATEGORICAL_PALETTE[0]!]);
    expect(colorForIndex(n + 3)).toEqual(colorForIndex(3));
    colorForIndex(1)[0] = 0; // a copy: the palette stays as it is
    expect(colorForIndex(1)).toEqual([...CATEGORICAL_PALETTE[1]!]);
  });

  it('orders labels naturally and without duplicates', () => {
    expect(naturalLabelOrder(['10', '2', '1', '2', '10'])).toEqual(['1', '2', '10']);
    expect(naturalLabelOrder(['dog', 'cat', 'Bird'])).toEqual(['Bird', 'cat', 'dog']);
    expect(naturalLabelOrder(['img10', 'img9', 'img1', 'img09'])).toEqual(['img1', 'img09', 'img9', 'img10']);
    expect(naturalLabelOrder(['cat', '7', 'class_2', 'class_10'])).toEqual(['7', 'cat', 'class_2', 'class_10']);
    expect(naturalLabelOrder(['99999999999999999999', '100000000000000000000'])).toEqual(['99999999999999999999', '100000000000000000000']);
  });
});

describe('scatter plot', () => {
  const pts = [
    { x: 0, y: 0, label: 'cat' },
    { x: 10, y: 0, label: '10' },
    { x: 0, y: 10, label: '2' },
    { x: 10, y: 10, label: 'cat' },
    { x: 5, y: 5, label: '2' },
  ];

  it('puts each point in its label colour (palette index in natural order), extremes inside the frame', () => {
    const L = scatterLayout(pts);
    expect(L.labels).toEqual(['2', '10', 'cat']);
    const img = renderScatter(pts);
    expect([img.width, img.height, img.channels]).toEqual([800, 600, 3]);
    for (const p of pts) {
      const { px: x, py: y } = L.toPixel(p.x, p.y);
      expect(px(img, x, y)).toEqual(colorForIndex(L.labels.indexOf(p.label)));
      expect(x - L.radius).toBeGreaterThan(L.plot.x);
      expect(x + L.radius).toBeLessThan(L.plot.x + L.plot.width - 1);
      expect(y - L.radius).toBeGreaterThan(L.plot.y);
      expect(y + L.radius).toBeLessThan(L.plot.y + L.plot.height - 1);
    }
    // y grows upwards: the point at y = 10 is higher in the picture.
    expect(L.toPixel(0, 10).py).toBeLessThan(L.toPixel(0, 0).py);
    // Away from the points the plot is white.
    const a = L.toPixel(2.5, 7.5);
    expect(px(img, a.px, a.py)).toEqual(WHITE);
  });

  it('uses one scale for x and y, and fills the tighter direction', () => {
    const L = scatterLayout([{ x: 0, y: 0, label: 'a' }, { x: 100, y: 1, label: 'b' }], { width: 400, height: 400 });
    const o = L.toPixel(0, 0);
    const dx = L.toPixel(10, 0).px - o.px;
    const dy = o.py - L.toPixel(0, 10).py;
    expect(Math.abs(dx - dy)).toBeLessThanOrEqual(1);
    expect(L.toPixel(100, 0).px - o.px).toBeGreaterThan(L.plot.width * 0.9);
  });

  it('draws a legend swatch in every label colour, with "+N more" past 30 labels', () => {
    const many = Array.from({ length: 35 }, (_, i) => ({ x: i % 7, y: Math.floor(i / 7), label: `c${i}` }));
    const L = scatterLayout(many);
    expect(L.legend).toHaveLength(30);
    expect(L.legendMore).toBe(5);
    expect(L.legend.map((e) => e.label)).toEqual(L.labels.slice(0, 30));
    const img = renderScatter(many);
    for (const e of L.legend) {
      expect(px(img, e.swatchX + 3, e.swatchY + 3)).toEqual(colorForIndex(L.labels.indexOf(e.label)));
      expect(e.swatchX).toBeGreaterThan(L.plot.x + L.plot.width);
    }
    // The legend of the small plot lists all three labels, in natural order, top to bottom.
    const small = scatterLayout(pts);
    expect(small.legend.map((e) => e.label)).toEqual(['2', '10', 'cat']);
    expect(small.legendMore).toBe(0);
    expect(small.legend[1]!.swatchY).toBeGreaterThan(small.legend[0]!.swatchY);
  });

  it('interleaves classes instead of painting the last one over the others, the same way each time', () => {
    // Points come class by class (as from folders); pairs of an "a" and a "b" share a position.
    const points = [
      ...Array.from({ length: 60 }, (_, i) => ({ x: i % 10, y: Math.floor(i / 10), label: 'a' })),
      ...Array.from({ length: 60 }, (_, i) => ({ x: i % 10, y: Math.floor(i / 10), label: 'b' })),
    ];
    const L = scatterLayout(points, { pointRadius: 2 });
    const img = renderScatter(points, { pointRadius: 2 });
    let a = 0;
    for (let i = 0; i < 60; i++) {
      const { px: x, py: y } = L.toPixel(i % 10, Math.floor(i / 10));
      if (px(img, x, y).join() === colorForIndex(0).join()) a++;
    }
    expect(a).toBeGreaterThan(10);
    expect(a).toBeLessThan(50);
    expect(Buffer.from(renderScatter(points, { pointRadius: 2 }).data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('skips non-finite points and copes with a single point and with no points', () => {
    const L = scatterLayout([{ x: NaN, y: 1, label: 'a' }, { x: 3, y: 3, label: 'a' }]);
    expect(L.skipped).toBe(1);
    const c = L.toPixel(3, 3);
    expect(Math.abs(c.px - (L.plot.x + L.plot.width / 2))).toBeLessThanOrEqual(1);
    expect(() => renderScatter([{ x: NaN, y: 1, label: 'a' }, { x: 3, y: 3, label: 'a' }], { title: 'one' })).not.toThrow();
    expect(renderScatter([]).width).toBe(800);
  });
});

describe('neighbours figure', () => {
  const q = solid(50, 40, [0, 0, 255]);
  const rows = [
    { title: 'features (cosine)', tiles: [true, false, undefined].map((match) => ({ image: solid(30, 60, [200, 200, 0]), caption: '0.123 cat', match })) },
    { title: 'pixels (euclidean)', tiles: [false, true].map((match) => ({ image: solid(64, 64, [0, 200, 200]), caption: '12.5 dog', match })) },
  ];

  it('borders neighbours green, red or grey by match, the query in its own colour', () => {
    const img = renderNeighborsFigure({ image: q, caption: 'query cat' }, rows);
    const L = neighborsLayout([3, 2]);
    expect([img.width, img.height]).toEqual([L.width, L.height]);
    const border = (at: { x: number; y: number }) => [px(img, at.x - 1, at.y + 20), px(img, at.x + L.tileSize, at.y + 20), px(img, at.x + 20, at.y - L.border)];
    const want = (c: Rgb) => [c, c, c];
    expect(border(L.query)).toEqual(want(QUERY_COLOR));
    expect(border(L.tile(0, 0))).toEqual(want(MATCH_COLOR));
    expect(border(L.tile(0, 1))).toEqual(want(MISMATCH_COLOR));
    expect(border(L.tile(0, 2))).toEqual(want(UNKNOWN_COLOR));
    expect(border(L.tile(1, 0))).toEqual(want(MISMATCH_COLOR));
    expect(border(L.tile(1, 1))).toEqual(want(MATCH_COLOR));
    // Tile contents: the images themselves at the tile centres; the query left of every row.
    expect(px(img, L.query.x + 48, L.query.y + 48)).toEqual([0, 0, 255]);
    expect(px(img, L.tile(1, 1).x + 48, L.tile(1, 1).y + 48)).toEqual([0, 200, 200]);
    expect(L.tile(0, 0).x).toBeGreaterThan(L.query.x + L.tileSize);
    expect(L.tile(1, 0).y).toBeGreaterThan(L.tile(0, 0).y + L.tileSize);
    // Background white; captions and titles are written (dark pixels under each tile and above each row).
    expect(px(img, 1, img.height - 2)).toEqual(WHITE);
    const dark = (x0: number, y0: number, w: number, h: number) => {
      let n = 0;
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (px(img, x, y)[0]! < 100) n++;
      return n;
    };
    const t = L.tile(0, 1);
    expect(dark(t.x, t.y + L.tileSize + L.border, L.tileSize, 12)).toBeGreaterThan(10);
    expect(dark(L.title(1).x, L.title(1).y, 100, 9)).toBeGreaterThan(10);
  });

  it('magnifies a 28×28 image by a whole factor: every source pixel a uniform block', () => {
    const digit: RawImage = { width: 28, height: 28, channels: 1, data: new Uint8Array(28 * 28) };
    for (let i = 0; i < digit.data.length; i++) digit.data[i] = (i * 37 + (i >> 3) * 11) % 256;
    const img = renderNeighborsFigure({ image: digit }, [{ title: 'r', tiles: [{ image: digit, caption: 'x', match: true }] }]);
    const L = neighborsLayout([1]);
    for (const at of [L.query, L.tile(0, 0)]) {
      // 96 / 28 → ×3 = 84 pixels, centred: 6 pixels of padding each side.
      const ox = at.x + 6;
      const oy = at.y + 6;
      for (let sy = 0; sy < 28; sy++) {
        for (let sx = 0; sx < 28; sx++) {
          const v = digit.data[sy * 28 + sx]!;
          for (let k = 0; k < 9; k++) expect(px(img, ox + sx * 3 + (k % 3), oy + sy * 3 + Math.floor(k / 3))).toEqual([v, v, v]);
        }
      }
      expect(px(img, at.x + 2, at.y + 40)).not.toEqual(px(img, ox, oy + 40 - 6)); // padding, not image
    }
  });

  it('honours tileSize', () => {
    const L = neighborsLayout([4], { tileSize: 48 });
    const img = renderNeighborsFigure({ image: q }, [{ title: 'r', tiles: Array.from({ length: 4 }, () => ({ image: q, caption: '' })) }], { tileSize: 48 });
    expect(img.width).toBe(L.width);
    expect(L.tile(0, 1).x - L.tile(0, 0).x).toBeLessThan(70);
    expect(() => neighborsLayout([1], { tileSize: 0 })).toThrow(/tileSize/);
  });
});

describe('patch grids', () => {
  const red: Rgb = [220, 0, 0];
  const blue: Rgb = [0, 0, 220];

  it('draws both grids side by side at the expected size, tile i of the right grid beside patch i', () => {
    const patches = Array.from({ length: 5 }, () => solid(32, 32, red));
    const guided = Array.from({ length: 5 }, () => solid(32, 32, blue));
    const img = renderPatchGrids(patches, guided, { captions: patches.map((_, i) => `${i}.0`) });
    const L = patchGridLayout(5, { captions: patches.map(String) });
    expect([L.columns, L.rows]).toEqual([3, 2]);
    expect([img.width, img.height]).toEqual([L.width, L.height]);
    // 3 columns of 64 with 4-pixel gaps per grid, 24 between the grids, 10 of margin each side.
    expect(img.width).toBe(10 + 2 * (3 * 64 + 2 * 4) + 24 + 10);
    for (let i = 0; i < 5; i++) {
      const a = L.tile(0, i);
      const b = L.tile(1, i);
      expect(px(img, a.x + 32, a.y + 32)).toEqual(red);
      expect(px(img, b.x + 32, b.y + 32)).toEqual(blue);
      expect(b.y).toBe(a.y);
      expect(b.x).toBeGreaterThan(L.gridX(0) + 3 * 64);
    }
    // The sixth cell of each grid is empty.
    const empty = L.tile(0, 5);
    expect(px(img, empty.x + 32, empty.y + 32)).toEqual(WHITE);
  });

  it('letterboxes a non-square crop with its aspect ratio kept', () => {
    const img = renderPatchGrids([solid(40, 20, red)], [solid(40, 20, blue)], { tileSize: 64 });
    const at = patchGridLayout(1).tile(0, 0);
    let rowsRed = 0;
    let colsRed = 0;
    for (let y = 0; y < 64; y++) if (px(img, at.x + 32, at.y + y).join() === red.join()) rowsRed++;
    for (let x = 0; x < 64; x++) if (px(img, at.x + x, at.y + 32).join() === red.join()) colsRed++;
    expect([colsRed, rowsRed]).toEqual([64, 32]);
    expect(px(img, at.x + 32, at.y + 2)).not.toEqual(red);
  });

  it('magnifies small crops crisply and shrinks large ones by area', () => {
    const tiny: RawImage = { width: 3, height: 2, channels: 1, data: Uint8Array.from([0, 255, 0, 255, 0, 255]) };
    const t = letterbox(tiny, 64, [9, 9, 9]); // ×21 → 63×42, at (0, 11)
    expect(px(t, 0, 11)).toEqual([0, 0, 0]);
    expect(px(t, 20, 31)).toEqual([0, 0, 0]);
    expect(px(t, 21, 11)).toEqual([255, 255, 255]);
    expect(px(t, 21, 32)).toEqual([0, 0, 0]);
    expect(px(t, 63, 11)).toEqual([9, 9, 9]);
    // A 2-pixel stripe pattern shrunk ×4 averages to mid grey instead of aliasing to one stripe colour.
    const stripes: RawImage = { width: 256, height: 256, channels: 1, data: new Uint8Array(256 * 256) };
    for (let i = 0; i < stripes.data.length; i++) stripes.data[i] = (i & 1) * 200;
    const s = letterbox(stripes, 64, [0, 0, 0]);
    expect(px(s, 10, 10)).toEqual([100, 100, 100]);
  });

  it('draws the patches alone without guided images, and rejects mismatched inputs', () => {
    const img = renderPatchGrids([solid(8, 8, red), solid(8, 8, red)], []);
    expect(img.width).toBe(patchGridLayout(2, { grids: 1 }).width);
    expect(() => renderPatchGrids([solid(8, 8, red)], [solid(8, 8, red), solid(8, 8, red)])).toThrow(/guided/);
    expect(() => renderPatchGrids([solid(8, 8, red)], [], { captions: ['a', 'b'] })).toThrow(/captions/);
    expect(() => renderPatchGrids([], [])).toThrow(/no patches/);
  });
});
