'use strict';
// crafted-heap.js OUT SPEC_JSON: writes a minimal V8 heap snapshot (the
// Node 24 layout) for tests of hostile input.
// SPEC: {"objects": [[className, count, selfSize], ...], "empty": bool};
// every object is held by the root through a property edge; "empty" makes
// a snapshot of 0 nodes.  In a class name, the text \\xNN (backslash x and
// two hex digits in the JSON) becomes the raw byte NN, so that a name can
// be ill-formed UTF-8.
const fs = require('fs');
const [out, specText] = process.argv.slice(2);
const spec = JSON.parse(specText);
const strings = ['', 'p'];
const idx = (s) => { let i = strings.indexOf(s); if (i < 0) { i = strings.length; strings.push(s); } return i; };
const nodes = [], edges = [];
const objs = [];
for (const [name, count, size] of spec.objects)
  for (let i = 0; i < count; i++) objs.push([idx(name), size]);
nodes.push(9, 0, 1, 0, objs.length, 0); // synthetic root
let id = 3;
for (const [name, size] of objs) { nodes.push(3, name, id, size, 0, 0); id += 2; }
objs.forEach((_, i) => edges.push(2, 1, (i + 1) * 6));
const meta = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'detachedness'],
  node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape'], 'string', 'number', 'number', 'number', 'number'],
  edge_fields: ['type', 'name_or_index', 'to_node'],
  edge_types: [['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'], 'string_or_number', 'node'],
};
if (spec.empty) { nodes.length = 0; edges.length = 0; }
let text = JSON.stringify({ snapshot: { meta, node_count: nodes.length / 6, edge_count: edges.length / 3 }, nodes, edges, strings });
// Raw bytes: "\\xNN" in a class name becomes that byte (ill-formed UTF-8).
const buf = Buffer.from(text.replace(/\\\\x([0-9a-f]{2})/g, (_, h) => '\u0000' + h), 'utf8');
const bytes = [];
for (let i = 0; i < buf.length; i++) {
  if (buf[i] === 0) { bytes.push(parseInt(buf.slice(i + 1, i + 3).toString(), 16)); i += 2; } else bytes.push(buf[i]);
}
fs.writeFileSync(out, Buffer.from(bytes));
