import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RawImage } from '../src/engine/image/rawImage';

/** What a gallery section's maker gets: the repository root, a timed step, and a PNG writer. */
export interface DemoKit {
  root: string;
  step<T>(what: string, run: () => Promise<T>): Promise<T>;
  savePng(name: string, image: RawImage): string;
}

/** One picture with its numbers, under a section of the gallery page. */
export interface GalleryCard {
  title: string;
  image?: string;
  lines: string[];
}

export interface GallerySection {
  title: string;
  intro: string[];
  table?: { header: string[]; rows: string[][] };
  cards: GalleryCard[];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained static page: relative image paths, inline CSS, nothing remote. */
export function writeGallery(dir: string, title: string, backendLine: string, sections: GallerySection[]): string {
  const body = sections
    .map((s) => {
      const table = s.table
        ? `<table><tr>${s.table.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${s.table.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`
        : '';
      const cards = s.cards
        .map((c) => `<figure>${c.image ? `<img src="${esc(c.image)}" alt="${esc(c.title)}">` : ''}<figcaption><b>${esc(c.title)}</b>${c.lines.map((l) => `<br>${esc(l)}`).join('')}</figcaption></figure>`)
        .join('\n');
      return `<section><h2>${esc(s.title)}</h2>${s.intro.map((l) => `<p>${esc(l)}</p>`).join('')}${table}<div class="cards">${cards}</div></section>`;
    })
    .join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'">
<title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:2em;background:#1e1e1e;color:#ddd}h2{border-bottom:1px solid #555}
table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #444;padding:2px 8px;text-align:left}
.cards{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0;background:#2a2a2a;padding:8px;max-width:340px}
img{image-rendering:pixelated;max-width:320px;min-width:160px}figcaption{font-size:12px;line-height:1.4}
</style></head><body><h1>${esc(title)}</h1><p>${esc(backendLine)}</p>${body}</body></html>`;
  const file = path.join(dir, 'index.html');
  writeFileSync(file, html);
  return file;
}
