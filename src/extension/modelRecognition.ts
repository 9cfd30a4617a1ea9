/**
 * A TF.js model is recognised by content, not by name: a JSON object with a `modelTopology`
 * and either a `weightsManifest` or a TF.js `format`. Any file name works (model.json is usual).
 */
export function looksLikeTfjsModel(text: string): boolean {
  // Cheap pre-check before parsing large JSON files that are obviously something else.
  if (!text.includes('"modelTopology"')) return false;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return typeof json === 'object' && json !== null && typeof json.modelTopology === 'object' && json.modelTopology !== null && (Array.isArray(json.weightsManifest) || json.format === 'layers-model' || json.format === 'graph-model');
  } catch {
    return false;
  }
}

/** Top-level fields of onnx.ModelProto and their protobuf wire types (0 varint, 2 length-delimited). */
const onnxModelFields = new Map([
  [1, 0], // ir_version
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
]);

function varintAt(b: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0, scale = 1; i < 10 && at + i < b.length; i++, scale *= 128) {
    value += (b[at + i]! & 0x7f) * scale;
    if (!(b[at + i]! & 0x80)) return { value, next: at + i + 1 };
  }
  return undefined;
}

/**
 * An ONNX model (a protobuf onnx.ModelProto) is recognised by its first bytes, `head`, and the
 * file's `size`: it starts with ir_version (field 1, a small varint) and its top-level fields are
 * ModelProto's with the right wire types, as far as `head` reaches (a field that ends beyond `head`
 * may run on), and it has a graph (or reaches beyond `head` before one). A truncated file that
 * starts like one passes: the tree then shows the engine's error for it instead of hiding it.
 */
export function looksLikeOnnxModel(head: Uint8Array, size: number): boolean {
  if (head.length < 2 || head[0] !== 0x08) return false;
  let at = 0;
  let sawGraph = false;
  for (let fields = 0; fields < 10_000; fields++) {
    if (at === size) return sawGraph;
    if (at >= head.length) return true;
    const tag = varintAt(head, at);
    if (!tag) return true; // the tag itself runs past head
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    const known = onnxModelFields.get(field);
    if (field === 0 || (known !== undefined && known !== wire) || (wire !== 0 && wire !== 2)) return false;
    const value = varintAt(head, tag.next);
    if (!value) return tag.next >= head.length - 10 && fields > 0;
    if (field === 1 && !(value.value >= 1 && value.value < 1000)) return false;
    if (field === 7) sawGraph = true;
    at = wire === 2 ? value.next + value.value : value.next;
    if (at > size) return known !== undefined && fields > 0; // a truncated ONNX file: listed, the engine says what is wrong
  }
  return false;
}
