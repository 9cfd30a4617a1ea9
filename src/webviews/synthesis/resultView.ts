/// <reference lib="dom" />
// The right-hand side of the panel: the live image (previews, then the result), its status line,
// Save, the warnings as text, the loss curve and the method's numbers. All strings go in as text.
import type { SynthesisResult } from '../../shared/engineProtocol';
import type { SourceThumb } from '../ui/fileOptions';
import { button, formatDetail, formatMs, h, replace, show } from '../ui';
import { curveSeries, previewSample, resultSamples, type CurveSample } from './curveData';
import { lossChart } from './lossChart';
import { progressText, resultText } from './methodState';

export interface ResultView {
  readonly element: HTMLElement;
  /** A run starts: the curve restarts, the last image stays until the first preview replaces it. */
  start(label: string): void;
  preview(p: { pngBase64?: string; scalars: Record<string, number>; step: number; of: number }): void;
  result(r: SynthesisResult): void;
  saved(png: string, json: string): void;
  /** The images the run read (content, styles), shown small beside the result; none: hidden. */
  sources(thumbs: readonly SourceThumb[]): void;
  /** The run ended without a result (cancel, error). */
  ended(): void;
  /** Back to the placeholder (the panel was pointed at another image or model; the host re-sends a result that still applies). */
  clear(): void;
  retheme(): void;
}

export function resultView(onSave: () => void): ResultView {
  const image = h('img', { id: 'synth-image', class: 'synth-image', attrs: { alt: 'synthesized image', 'data-previews': 0 } });
  image.draggable = false;
  const status = h('div', { id: 'synth-status', class: 'synth-status', attrs: { 'aria-live': 'polite' } });
  const saveButton = button('Save PNG + Config', onSave, { id: 'save', appearance: 'secondary', disabled: true, title: 'Write the image and its run config (JSON) next to the input image; never over an existing file' });
  const savedLine = h('div', { id: 'saved', class: 'hint' });
  const warnings = h('ul', { id: 'synth-warnings', class: 'synth-warnings' });
  const details = h('dl', { id: 'synth-details', class: 'synth-details' });
  const canvas = h('canvas', { id: 'loss-canvas' });
  const chartBox = h('div', { id: 'loss-chart', class: 'loss-chart' }, canvas);
  const placeholder = h('p', { class: 'placeholder', text: 'Choose a method and its options, then Run. The image updates while it runs.' });
  const figure = h('figure', { class: 'synth-figure' }, image, h('figcaption', {}, status, h('div', { class: 'run-box' }, saveButton), savedLine));
  const sourcesBox = h('div', { id: 'synth-sources', class: 'synth-sources' });
  const element = h('div', { class: 'synth-result' }, placeholder, warnings, h('div', { class: 'synth-layout' }, sourcesBox, figure, h('div', { class: 'synth-side' }, chartBox, details)));
  const chart = lossChart(canvas);
  let samples: CurveSample[] = [];
  let previews = 0;
  show(figure, false);
  show(chartBox, false);
  show(warnings, false);
  show(savedLine, false);
  show(sourcesBox, false);

  const setImage = (b64: string) => {
    image.src = `data:image/png;base64,${b64}`;
    show(figure, true);
    show(placeholder, false);
  };
  const setWarnings = (list: readonly string[]) => {
    replace(warnings, ...list.map((w) => h('li', { class: 'card-warning', text: w })));
    show(warnings, list.length > 0);
  };
  return {
    element,
    start(label) {
      samples = [];
      previews = 0;
      image.setAttribute('data-previews', '0');
      image.classList.add('running');
      status.textContent = `${label}: starting…`;
      saveButton.disabled = true;
      show(savedLine, false);
      setWarnings([]);
      replace(details);
      chart.update([]);
      show(chartBox, false);
    },
    preview(p) {
      if (p.pngBase64) {
        setImage(p.pngBase64);
        previews++;
        image.setAttribute('data-previews', String(previews));
      }
      status.textContent = progressText(p);
      if (Object.keys(p.scalars).length) {
        // The same step again (a resent preview): the later value wins.
        const kept = samples.at(-1)?.step === p.step ? samples.slice(0, -1) : samples;
        samples = [...kept, previewSample(p)];
        chart.update(curveSeries(samples));
        show(chartBox, true);
      }
    },
    result(r) {
      setImage(r.pngBase64);
      image.classList.remove('running');
      image.classList.toggle('stopped', r.stopped);
      status.textContent = resultText(r, formatMs);
      saveButton.disabled = false;
      setWarnings(r.warnings);
      samples = resultSamples(r.curve);
      chart.update(curveSeries(samples));
      show(chartBox, samples.length > 0);
      replace(details, ...Object.entries(r.details).flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: formatDetail(v) })]));
    },
    sources(thumbs) {
      replace(
        sourcesBox,
        ...thumbs.map((t) => {
          const img = h('img', { class: 'source-thumb', attrs: { alt: t.name } });
          img.draggable = false;
          if (t.dataUrl) img.src = t.dataUrl;
          const caption = t.weight === undefined ? t.label : `${t.label} · ${t.weight.toFixed(2)}`;
          return h('figure', { class: 'source-figure', title: t.title }, img, h('figcaption', { class: 'hint' }, h('div', { text: caption }), h('div', { class: 'file-name', text: t.name })));
        }),
      );
      show(sourcesBox, thumbs.length > 0);
    },
    saved(png, json) {
      savedLine.textContent = `Saved ${png} and ${json}`;
      show(savedLine, true);
    },
    ended() {
      image.classList.remove('running');
      if (status.textContent?.endsWith('starting…')) status.textContent = 'Not run.';
    },
    clear() {
      samples = [];
      image.removeAttribute('src');
      status.textContent = '';
      saveButton.disabled = true;
      setWarnings([]);
      replace(details);
      chart.update([]);
      show(chartBox, false);
      show(figure, false);
      show(savedLine, false);
      show(sourcesBox, false);
      show(placeholder, true);
    },
    retheme: () => chart.retheme(),
  };
}
