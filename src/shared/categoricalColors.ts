// Colours and natural order of class labels, for the CLI's figures (engine/render) and the
// panels that plot labelled points (the Embedding map). No imports: both sides use it as is.
/**
 * Colours for class labels in scatter plots and legends. A fixed list (not a colormap sampled at
 * n points) so a label keeps its colour between runs and between figures of the same folder.
 * Chosen by hand: neighbours in the list differ in hue, and every colour keeps enough contrast
 * against white to show as a small disc.
 */
export const CATEGORICAL_PALETTE: readonly (readonly [number, number, number])[] = [
  [31, 95, 191], // blue
  [232, 115, 12], // orange
  [42, 157, 58], // green
  [214, 47, 47], // red
  [138, 79, 199], // purple
  [140, 90, 60], // brown
  [224, 85, 176], // pink
  [95, 107, 115], // slate
  [168, 168, 15], // olive
  [20, 167, 184], // cyan
  [12, 47, 122], // navy
  [230, 172, 0], // amber
  [15, 107, 69], // dark green
  [158, 27, 79], // crimson
  [110, 170, 230], // sky
  [240, 130, 115], // salmon
  [100, 200, 80], // light green
  [180, 140, 230], // lavender
  [74, 58, 30], // dark brown
  [179, 89, 0], // rust
  [190, 160, 110], // khaki
  [61, 61, 153], // indigo
];

/** Colour of the i-th label; past the end of the palette the colours repeat. */
export function colorForIndex(i: number): [number, number, number] {
  const n = CATEGORICAL_PALETTE.length;
  const c = CATEGORICAL_PALETTE[((Math.trunc(i) % n) + n) % n]!;
  return [c[0], c[1], c[2]];
}

/** A label split into runs of digits (as numbers) and runs of anything else (lower-cased). */
function chunks(s: string): (string | bigint)[] {
  const parts = s.match(/\d+|\D+/g) ?? [];
  return parts.map((p) => (/^\d/.test(p) ? BigInt(p) : p.toLowerCase()));
}

/**
 * Compares labels as people sort folder names: digit runs by value ("2" < "10", "img9" < "img10"),
 * text case-insensitively; exact string order breaks remaining ties, so the order is total.
 * A number sorts before text at the same position ("7" < "cat").
 */
export function compareNatural(a: string, b: string): number {
  const ca = chunks(a);
  const cb = chunks(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      if (x !== y) return x < y ? -1 : 1;
    } else if (typeof x === 'bigint') {
      return -1;
    } else if (typeof y === 'bigint') {
      return 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The distinct labels in natural order; a label's index here is its palette index. */
export function naturalLabelOrder(labels: readonly string[]): string[] {
  return [...new Set(labels)].sort(compareNatural);
}
