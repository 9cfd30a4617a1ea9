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
