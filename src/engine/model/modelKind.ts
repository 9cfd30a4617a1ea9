import { UserError } from '../errors';

export type ModelKind = 'layers' | 'graph';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Layers or graph model, from the topology itself; a "format" field that says otherwise is
 * refused rather than trusted (tfjs would fail deep inside with an unrelated TypeError).
 */
export function modelKind(file: string, format: unknown, topology: Json): ModelKind {
  const graph = Array.isArray(topology.node);
  const layers = !graph && typeof (isObject(topology.model_config) ? topology.model_config : topology).class_name === 'string';
  if (!graph && !layers) throw new UserError(`${file}: "modelTopology" is neither a layers model (no "class_name") nor a graph model (no "node" list)`);
  const kind: ModelKind = graph ? 'graph' : 'layers';
  const declared = format === 'graph-model' ? 'graph' : format === 'layers-model' ? 'layers' : undefined;
  if (declared !== undefined && declared !== kind) {
    throw new UserError(`${file}: "format" is "${String(format)}" but "modelTopology" is a ${kind} model; the file was edited or assembled wrongly`);
  }
  return kind;
}

/**
 * Predicate telling whether a manifest weight can belong to the model, from names alone, so a
 * listed weight nobody uses is refused before its bytes are read. Graph models look weights up
 * by the name of their Const node (graph, functions or initializer). Layers models name them
 * `<layer>/<weight>`, possibly under outer scopes (nested models), so some folder of the name
 * must be a layer name; tfjs' strict loading checks the rest after decoding.
 */
export function weightNameCheck(kind: ModelKind, topology: Json, modelInitializer: unknown): (name: string) => boolean {
  if (kind === 'graph') {
    const names = new Set<string>();
    const addNodes = (nodes: unknown) => {
      if (Array.isArray(nodes)) for (const n of nodes) if (isObject(n) && typeof n.name === 'string') names.add(n.name);
    };
    addNodes(topology.node);
    if (isObject(modelInitializer)) addNodes(modelInitializer.node);
    const functions = isObject(topology.library) ? topology.library.function : undefined;
    if (Array.isArray(functions)) for (const f of functions) if (isObject(f)) addNodes(f.nodeDef);
    return (name) => names.has(name);
  }
  const layerNames = new Set<string>();
  collectLayerNames(topology, layerNames, 0);
  return (name) => {
    const folders = name.split('/').slice(0, -1);
    // Also whole prefixes, in case a layer name itself contains '/'.
    return folders.some((f, i) => layerNames.has(f) || layerNames.has(folders.slice(0, i + 1).join('/')));
  };
}

/** Every `config.name` of an object with a `class_name` (layers, nested models), at any depth. */
function collectLayerNames(node: unknown, names: Set<string>, depth: number): void {
  if (depth > 64 || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) collectLayerNames(item, names, depth + 1);
    return;
  }
  const o = node as Json;
  if (typeof o.class_name === 'string' && isObject(o.config) && typeof o.config.name === 'string') names.add(o.config.name);
  for (const value of Object.values(o)) collectLayerNames(value, names, depth + 1);
}
