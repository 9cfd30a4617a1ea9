// Regenerates src/engine/model/onnx/schema/onnx.json from onnx.proto beside it (the official ONNX
// schema, copied verbatim from github.com/onnx/onnx, Apache-2.0). The engine reads the JSON form
// with protobufjs/light, so neither the .proto parser nor the .proto file ships in the bundles.
//   node scripts/onnxSchema.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import protobuf from 'protobufjs';

const dir = 'src/engine/model/onnx/schema';
// keepCase: field names as the schema spells them (raw_data, opset_import…), as errors quote them.
const { root } = protobuf.parse(readFileSync(`${dir}/onnx.proto`, 'utf8'), { keepCase: true });
writeFileSync(`${dir}/onnx.json`, `${JSON.stringify(root.toJSON(), null, 1)}\n`);
console.log(`wrote ${dir}/onnx.json`);
