// Image-file options of the synthesis panel. Host side: a path from the webview is used only when it
// names an image inside a workspace folder (symbolic links followed), for thumbnails and runs alike.
// Webview side (pure): a 'files' list with one blend weight per image in the companion string
// option, picked images added, one removed, and the thumbnails shown beside a style result.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { confinedImage, confineFileOptions, fileOptionPaths, pickedFiles } from '../../src/extension/panels/synthesisFiles';
import type { PickedFile } from '../../src/shared/webviewProtocol';
import { addFiles, fileListState, fileListValues, joinWeights, parseWeights, removeFile, setWeight, sourceThumbs, weightsKeyOf, withPickedFiles } from '../../src/webviews/ui/fileOptions';
import { methodRunOptions, optionControls } from '../../src/webviews/ui/optionValues';
import { dreamInfo, styleInfo } from './support/synthesisMethods';

const png = Buffer.from('89504e470d0a1a0a', 'hex');
let root = '';
let ws = '';
let outside = '';
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'convscope-files-'));
  ws = path.join(root, 'ws');
  outside = path.join(root, 'elsewhere');
  mkdirSync(path.join(ws, 'styles'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(ws, 'content.png'), png);
  writeFileSync(path.join(ws, 'styles', 'wave.jpg'), png);
  writeFileSync(path.join(ws, 'notes.txt'), 'x');
  writeFileSync(path.join(outside, 'secret.png'), png);
  // A link inside the workspace that leads out of it.
  symlinkSync(path.join(outside, 'secret.png'), path.join(ws, 'link.png'));
});

describe('workspace confinement of image options', () => {
  it('accepts an image inside a workspace folder and answers its real path', async () => {
    await expect(confinedImage(path.join(ws, 'styles', 'wave.jpg'), [ws])).resolves.toMatch(/styles[\\/]wave\.jpg$/);
    await expect(confinedImage(path.join(ws, 'styles', '..', 'content.png'), [outside, ws])).resolves.toMatch(/content\.png$/);
  });

  it('refuses images outside the workspace, also through .. and through a link, and says why', async () => {
    await expect(confinedImage(path.join(outside, 'secret.png'), [ws])).rejects.toThrow('secret.png: outside the workspace');
    await expect(confinedImage(path.join(ws, '..', 'elsewhere', 'secret.png'), [ws])).rejects.toThrow('outside the workspace');
    await expect(confinedImage(path.join(ws, 'link.png'), [ws])).rejects.toThrow('link.png: outside the workspace');
    // A folder whose name starts like the workspace's is not inside it.
    await expect(confinedImage(path.join(outside, 'secret.png'), [path.join(root, 'else')])).rejects.toThrow('outside the workspace');
  });

  it('refuses relative paths, files that are not images, missing files, and any file without a workspace folder', async () => {
    await expect(confinedImage('content.png', [ws])).rejects.toThrow('not an absolute path');
    await expect(confinedImage(path.join(ws, 'notes.txt'), [ws])).rejects.toThrow('notes.txt: not an image');
    await expect(confinedImage(path.join(ws, 'gone.png'), [ws])).rejects.toThrow('gone.png: file not found');
    await expect(confinedImage(path.join(ws, 'content.png'), [])).rejects.toThrow('open a folder first');
  });

  it('a run’s options: every file and each file of a list is checked, in order; the first refusal is thrown', async () => {
    const ok = await confineFileOptions(styleInfo, { content: path.join(ws, 'content.png'), styles: [path.join(ws, 'styles', 'wave.jpg')], styleWeights: '1', steps: 3 }, [ws]);
    // The paths stay as given (the panel knows the files by them).
    expect(ok).toEqual({ content: path.join(ws, 'content.png'), styles: [path.join(ws, 'styles', 'wave.jpg')], styleWeights: '1', steps: 3 });
    await expect(confineFileOptions(styleInfo, { content: path.join(ws, 'content.png'), styles: [path.join(ws, 'styles', 'wave.jpg'), path.join(outside, 'secret.png')] }, [ws])).rejects.toThrow('secret.png: outside the workspace');
    await expect(confineFileOptions(styleInfo, { content: path.join(outside, 'secret.png') }, [ws])).rejects.toThrow('outside the workspace');
    // A method without file options passes its options on unchanged.
    await expect(confineFileOptions(dreamInfo, { layers: ['conv2'] }, [])).resolves.toEqual({ layers: ['conv2'] });
  });

  it('thumbnails: only for paths inside the workspace, each once, with a data URL and the relative path', async () => {
    const content = path.join(ws, 'content.png');
    expect(fileOptionPaths(styleInfo, { content, styles: [path.join(outside, 'secret.png'), content], steps: 2 })).toEqual([content, path.join(outside, 'secret.png'), content]);
    const files = await pickedFiles([content, path.join(outside, 'secret.png'), content], [ws], (f) => path.relative(ws, f));
    expect(files).toEqual([{ path: content, name: 'content.png', relativePath: 'content.png', dataUrl: `data:image/png;base64,${png.toString('base64')}` }]);
  });
});

describe('file lists and their weights (webview data)', () => {
  it('a files option with a companion string option gets weights; that option gets no field of its own', () => {
    expect(weightsKeyOf(styleInfo, 'styles')).toBe('styleWeights');
    expect(weightsKeyOf(styleInfo, 'content')).toBeUndefined();
    const controls = optionControls(styleInfo, []);
    expect(controls.map((c) => [c.key, c.kind])).toEqual([
      ['content', 'file'],
      ['styles', 'files'],
      ['styleScale', 'number'],
      ['steps', 'number'],
      ['seed', 'number'],
    ]);
    expect(controls[1]).toMatchObject({ weightsKey: 'styleWeights' });
  });

  it('weights read one per file (missing or unreadable: 1), and join back in order', () => {
    expect(parseWeights('0.5, 2', 3)).toEqual([0.5, 2, 1]);
    expect(parseWeights('a,-1,0', 3)).toEqual([1, 1, 0]);
    expect(parseWeights(undefined, 2)).toEqual([1, 1]);
    expect(joinWeights([0.35, 1, 1 / 3])).toBe('0.35,1,0.333');
  });

  it('picking adds at the end with weight 1 (a listed image keeps its place), removing takes its weight along, sliders set one weight', () => {
    let s = fileListState(['/w/a.png', '/w/b.png'], '0.2,0.8');
    s = addFiles(s, ['/w/b.png', '/w/c.png']);
    expect(s).toEqual({ files: ['/w/a.png', '/w/b.png', '/w/c.png'], weights: [0.2, 0.8, 1] });
    s = removeFile(s, 0);
    expect(fileListValues('styles', 'styleWeights', s)).toEqual({ styles: ['/w/b.png', '/w/c.png'], styleWeights: '0.8,1' });
    s = setWeight(s, 1, 0.25);
    expect(fileListValues('styles', 'styleWeights', s)).toEqual({ styles: ['/w/b.png', '/w/c.png'], styleWeights: '0.8,0.25' });
    // An empty list sends neither: the method's own requirement says what is missing.
    expect(fileListValues('styles', 'styleWeights', removeFile(removeFile(s, 0), 0))).toEqual({ styles: undefined, styleWeights: undefined });
  });

  it('picked images: a file option takes the first, a files option adds them with their weights', () => {
    expect(withPickedFiles(styleInfo, {}, 'content', ['/w/c.png', '/w/d.png'])).toEqual({ content: '/w/c.png' });
    expect(withPickedFiles(styleInfo, { styles: ['/w/a.png'], styleWeights: '0.5' }, 'styles', ['/w/b.png'])).toEqual({ styles: ['/w/a.png', '/w/b.png'], styleWeights: '0.5,1' });
    expect(withPickedFiles(styleInfo, {}, 'steps', ['/w/a.png'])).toEqual({});
  });

  it('a run sends the files as a list and the weights as the comma-separated string', () => {
    expect(methodRunOptions(styleInfo, { content: '/w/c.png', styles: ['/w/a.png', '/w/b.png'], styleWeights: '0.5,1' })).toEqual({ content: '/w/c.png', styles: ['/w/a.png', '/w/b.png'], styleWeights: '0.5,1' });
  });

  it('the side-by-side: content then each style with its weight (blends only), names from the host, unknown paths by their base name', () => {
    const known = new Map<string, PickedFile>([['/w/c.png', { path: '/w/c.png', name: 'c.png', relativePath: 'c.png', dataUrl: 'data:image/png;base64,AA==' }]]);
    expect(sourceThumbs(styleInfo, { content: '/w/c.png', styles: ['/w/a.png', '/w/b.png'], styleWeights: '0.5,1' }, known)).toEqual([
      { label: 'Content image', name: 'c.png', title: 'c.png', dataUrl: 'data:image/png;base64,AA==' },
      { label: 'Style images', name: 'a.png', title: '/w/a.png', dataUrl: undefined, weight: 0.5 },
      { label: 'Style images', name: 'b.png', title: '/w/b.png', dataUrl: undefined, weight: 1 },
    ]);
    expect(sourceThumbs(styleInfo, { styles: ['/w/a.png'], styleWeights: '0.5' }, known)).toEqual([{ label: 'Style images', name: 'a.png', title: '/w/a.png', dataUrl: undefined }]);
    expect(sourceThumbs(dreamInfo, { layers: ['conv2'] }, known)).toEqual([]);
  });
});
