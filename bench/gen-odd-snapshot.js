// Writes a pathological but valid .heapsnapshot directly (no Node heap is
// dumped), to measure leakcheck's peak memory against the file's size on
// the shapes that cost the most per byte of file:
//
//   empty-strings N  N empty strings that no node names ("" costs 3 bytes)
//   dup-strings N    N string nodes, each named by its own copy of "dup"
//   huge-array N     one array holding N heap numbers (element edges)
//   many-edges N     one object with N property edges, all to one target
//                    and all named by one string (8 bytes of file an edge)
//   unique-classes N N objects, each named by a string of its own ("C" and
//                    its number): N rows in the Summary, one object each
//   long-string N    one string node whose value is N characters long
//
// Usage: node gen-odd-snapshot.js KIND N OUT.heapsnapshot
// The nodes hang below a "global" object that the root holds, as in Node.
'use strict';
const fs = require('fs');

const [kind, nArg, out] = process.argv.slice(2);
const n = Number(nArg);
const kinds = ['empty-strings', 'dup-strings', 'huge-array', 'many-edges', 'unique-classes', 'long-string'];
if (!kinds.includes(kind) || !(n > 0) || !out) {
  console.error(`usage: gen-odd-snapshot.js {${kinds.join('|')}} N OUT`);
  process.exit(2);
}

const fd = fs.openSync(out, 'w');
let chunk = [];
let chunkLen = 0;
function w(s) {
  chunk.push(s);
  chunkLen += s.length;
  if (chunkLen > 1 << 20) flush();
}
function flush() {
  fs.writeSync(fd, chunk.join(''));
  chunk = [];
  chunkLen = 0;
}

// Node types and edge types as V8 writes them.
const T = { hidden: 0, array: 1, string: 2, object: 3, number: 7, synthetic: 9 };
const E = { element: 1, property: 2, shortcut: 5 };

// Fixed strings: 0 "", 1 "global", 2 "(GC roots)", 3 "Hub", 4 "Target",
// 5 "key", 6 "heap number", 7 "(array)", 8 "items".
const fixed = ['', 'global', '(GC roots)', 'Hub', 'Target', 'key', 'heap number', '(array)', 'items'];
const F = fixed.length;

// Nodes: [type, name, edge_count, self_size]; ids are 1, 3, 5, …
const nodes = [];
const edges = []; // for the fixed nodes: [type, name_or_index, to_ordinal]
let bulkNodes = 0; // generated on the fly after the fixed ones
// root (0) -> global (1) by shortcut, and -> (GC roots) (2) by element.
nodes.push([T.synthetic, 0, 2, 0]);
edges.push([E.shortcut, 1, 1], [E.element, 1, 2]);
if (kind === 'empty-strings') {
  nodes.push([T.object, 1, 0, 24]);
  nodes.push([T.synthetic, 2, 0, 0]);
} else if (kind === 'dup-strings') {
  nodes.push([T.object, 1, n, 24]);
  nodes.push([T.synthetic, 2, 0, 0]);
  bulkNodes = n; // string nodes, named F + i
} else if (kind === 'unique-classes') {
  nodes.push([T.object, 1, n, 24]);
  nodes.push([T.synthetic, 2, 0, 0]);
  bulkNodes = n; // objects, named F + i
} else if (kind === 'long-string') {
  nodes.push([T.object, 1, 1, 24]);
  nodes.push([T.synthetic, 2, 0, 0]);
  nodes.push([T.string, F, 0, 16 + n]); // named by the long string
  edges.push([E.property, 8, 3]);
} else if (kind === 'huge-array') {
  nodes.push([T.object, 1, 1, 24]);
  nodes.push([T.synthetic, 2, 0, 0]);
  nodes.push([T.array, 7, n, 16 + 8 * n]);
  edges.push([E.property, 8, 3]);
  bulkNodes = n; // heap numbers
} else {
  nodes.push([T.object, 1, 1, 24]);
  nodes.push([T.synthetic, 2, 0, 0]);
  nodes.push([T.object, 3, n, 32]); // Hub
  nodes.push([T.object, 4, 0, 32]); // Target
  edges.push([E.property, 5, 3]);
}
const nodeCount = nodes.length + bulkNodes;
let edgeCount = 0;
for (const x of nodes) edgeCount += x[2];

w('{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],' +
  '"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic",' +
  '"concatenated string","sliced string","symbol","bigint","object shape","wasm object"],' +
  '"string","number","number","number","number","number"],' +
  '"edge_fields":["type","name_or_index","to_node"],' +
  '"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],' +
  '"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],' +
  '"trace_node_fields":["id","function_info_index","count","size","children"],' +
  '"sample_fields":["timestamp_us","last_assigned_id"],' +
  '"location_fields":["object_index","script_id","line","column"]},' +
  `"node_count":${nodeCount},"edge_count":${edgeCount},"trace_function_count":0},\n"nodes":[`);
let id = 1;
let first = true;
for (const [t, name, ec, self] of nodes) {
  w(`${first ? '' : ','}${t},${name},${id},${self},${ec},0,0\n`);
  first = false;
  id += 2;
}
for (let i = 0; i < bulkNodes; i++) {
  if (kind === 'dup-strings') w(`,${T.string},${F + i},${id},16,0,0,0\n`);
  else if (kind === 'unique-classes') w(`,${T.object},${F + i},${id},32,0,0,0\n`);
  else w(`,${T.number},6,${id},16,0,0,0\n`);
  id += 2;
}
w('],\n"edges":[');
first = true;
const NF = 7;
for (const [t, name, to] of edges) {
  w(`${first ? '' : ','}${t},${name},${to * NF}\n`);
  first = false;
  if ((kind === 'dup-strings' || kind === 'unique-classes') && to === 2) {
    // global's edges come right after the root's.
    for (let i = 0; i < n; i++) w(`,${E.element},${i},${(nodes.length + i) * NF}\n`);
  }
}
if (kind === 'huge-array') {
  for (let i = 0; i < n; i++) w(`,${E.element},${i},${(nodes.length + i) * NF}\n`);
} else if (kind === 'many-edges') {
  for (let i = 0; i < n; i++) w(`,${E.property},5,${4 * NF}\n`);
}
w('],\n"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n"strings":[');
w(fixed.map((s) => JSON.stringify(s)).join(',\n'));
if (kind === 'empty-strings') {
  const block = ',""'.repeat(4096);
  let i = 0;
  for (; i + 4096 <= n; i += 4096) w(block);
  for (; i < n; i++) w(',""');
} else if (kind === 'dup-strings') {
  for (let i = 0; i < n; i++) w(',\n"dup"');
} else if (kind === 'unique-classes') {
  for (let i = 0; i < n; i++) w(`,\n"C${i}"`);
} else {
  const block = 'x'.repeat(1 << 20);
  w(',\n"');
  let i = 0;
  for (; i + block.length <= n; i += block.length) w(block);
  w('x'.repeat(n - i) + '"');
}
w(']}\n');
flush();
fs.closeSync(fd);
