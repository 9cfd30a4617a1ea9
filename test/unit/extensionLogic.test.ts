import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { looksLikeTfjsModel } from '../../src/extension/modelRecognition';
import { formatInfo } from '../../src/extension/formatInfo';
import { referenceFile } from './support/reference';

it('recognises TF.js models by content, not by name', () => {
  expect(looksLikeTfjsModel(readFileSync(referenceFile('model_a/model/model.json'), 'utf8'))).toBe(true);
  expect(looksLikeTfjsModel(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }))).toBe(true);
  expect(looksLikeTfjsModel(JSON.stringify({ name: 'convscope', version: '1.0.0' }))).toBe(false);
  expect(looksLikeTfjsModel(JSON.stringify({ modelTopology: 'not an object', weightsManifest: [] }))).toBe(false);
  expect(looksLikeTfjsModel('{"modelTopology": {')).toBe(false);
  expect(looksLikeTfjsModel(JSON.stringify({ modelTopology: {} }))).toBe(false);
});

it('formats the layer table the Model Explorer and the info document show', () => {
  const text = formatInfo({
    file: '/w/m/model.json', kind: 'layers', inputShape: { height: 28, width: 28, channels: 1 }, numClasses: 10, hideClasses: false, backend: 'wasm',
    layers: [
      { name: 'conv1', type: 'Conv2D', outputShape: [28, 28, 16], params: 160, activation: 'relu', isConv: true, receptiveField: { size: [3, 3], stride: [1, 1], start: [1, 1], global: false } },
      { name: 'logits', type: 'Dense', outputShape: [10], params: 1290, isConv: false, receptiveField: { size: [28, 28], stride: [28, 28], start: [13.5, 13.5], global: true } },
    ],
  });
  expect(text).toContain('layers model · input 28×28×1 · 10 outputs · 1,450 parameters · backend wasm');
  expect(text).toMatch(/conv1\s+Conv2D\s+28×28×16\s+160\s+relu\s+3×3 \/ 1×1/);
  expect(text).toMatch(/logits\s+Dense\s+10\s+1290\s+global/);
});
