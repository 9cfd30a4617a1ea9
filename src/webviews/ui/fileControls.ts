/// <reference lib="dom" />
// Controls of image-file options: 'file' (one image: thumbnail, name, Choose…) and 'files' (a list,
// each image removable, with a blend-weight slider when the method has a weights option). The host
// picks the files (a dialog confined to the workspace); names go in as text only.
import type { PickedFile } from '../../shared/webviewProtocol';
import { h } from './dom';
import { fileListState, fileListValues, removeFile, setWeight, weightRange, type FileListState } from './fileOptions';
import type { OptionControl, OptionValue } from './optionValues';
import { button, slider } from './toolkit';

export interface FileControlEvents {
  /** Asks the host for images for `key` (the answer re-renders the row). */
  pickFile(key: string, many: boolean): void;
  /** What the host sent about a path (name, thumbnail); undefined when unknown. */
  fileInfo(path: string): PickedFile | undefined;
  /** New values of the option and, for a weighted list, of its weights option. */
  onValues(values: Record<string, OptionValue | undefined>): void;
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

function thumb(info: PickedFile | undefined, path: string): HTMLElement {
  const img = h('img', { class: 'file-thumb', attrs: { alt: info?.name ?? baseName(path) } });
  img.draggable = false;
  if (info?.dataUrl) img.src = info.dataUrl;
  return img;
}

function fileName(path: string, info: PickedFile | undefined): HTMLElement {
  return h('span', { class: 'file-name', text: info?.name ?? baseName(path), title: info?.relativePath ?? path });
}

/** One image: its thumbnail and name (or "none"), and Choose…. */
export function fileControl(c: Extract<OptionControl, { kind: 'file' }>, id: string, value: OptionValue | undefined, events: FileControlEvents): HTMLElement {
  const path = typeof value === 'string' && value ? value : undefined;
  const info = path ? events.fileInfo(path) : undefined;
  return h(
    'div',
    { id, class: 'file-box', title: c.title, attrs: { 'data-option': c.key } },
    path ? thumb(info, path) : null,
    path ? fileName(path, info) : h('span', { class: 'file-name hint', text: 'none' }),
    button('Choose…', () => events.pickFile(c.key, false), { class: 'file-choose', appearance: 'secondary', title: `Choose ${c.label.toLowerCase()} from the workspace` }),
  );
}

/** A list of images, each removable, each with a weight slider when the list has weights; Add… asks for more. */
export function filesControl(c: Extract<OptionControl, { kind: 'files' }>, id: string, value: OptionValue | undefined, weights: OptionValue | undefined, events: FileControlEvents): HTMLElement {
  let state: FileListState = fileListState(value, c.weightsKey ? weights : undefined);
  const list = h('ol', { class: 'file-list' });
  const update = (next: FileListState) => {
    state = next;
    render();
    events.onValues(fileListValues(c.key, c.weightsKey, state));
  };
  const render = () => {
    list.replaceChildren(
      ...state.files.map((path, i) => {
        const info = events.fileInfo(path);
        const weight = state.weights[i] ?? 1;
        const shown = h('span', { class: 'file-weight-value', text: weight.toFixed(2) });
        const weightBox = c.weightsKey
          ? h(
              'span',
              { class: 'file-weight' },
              slider(
                weight,
                (w) => {
                  shown.textContent = w.toFixed(2);
                  state = setWeight(state, i, w);
                  events.onValues(fileListValues(c.key, c.weightsKey, state));
                },
                { ...weightRange, class: 'file-weight-slider', title: `Blend weight of ${info?.name ?? baseName(path)} (the weights are normalized to sum 1)` },
              ),
              shown,
            )
          : null;
        return h('li', { class: 'file-item', attrs: { 'data-file': i } }, thumb(info, path), fileName(path, info), weightBox, button('Remove', () => update(removeFile(state, i)), { class: 'file-remove', appearance: 'secondary', title: 'Remove this image from the list' }));
      }),
    );
    if (state.files.length === 0) list.append(h('li', { class: 'file-item hint', text: 'none' }));
  };
  render();
  const add = button('Add…', () => events.pickFile(c.key, true), { class: 'file-choose', appearance: 'secondary', title: `Add ${c.label.toLowerCase()} from the workspace` });
  return h('div', { id, class: 'files-box', title: c.title, attrs: { 'data-option': c.key } }, list, add);
}
