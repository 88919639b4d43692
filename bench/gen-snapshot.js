// Generates a heap of about TARGET_MB of snapshot file: many small objects
// in a realistic mix (class instances, plain objects of a few shapes,
// arrays, strings, closures, Maps), then writes one heap snapshot.
// Usage: node --max-old-space-size=16000 gen-snapshot.js OUT.heapsnapshot TARGET_MB
'use strict';
const v8 = require('v8');
const [out, targetMb] = [process.argv[2], Number(process.argv[3] || 50)];
if (!out || !(targetMb > 0)) {
  console.error('usage: gen-snapshot.js OUT TARGET_MB');
  process.exit(2);
}
class Session { constructor(i) { this.id = i; this.user = 'u' + (i % 1000); this.tags = [i, i + 1]; } }
class Order { constructor(i, s) { this.session = s; this.total = i * 3; this.lines = []; } }
const keep = [];
const byId = new Map();
// One "unit" yields ≈ 25 nodes; a snapshot costs ≈ 64 bytes per node.
const units = Math.round(targetMb * 1024 * 1024 / (25 * 64));
for (let i = 0; i < units; i++) {
  const s = new Session(i);
  const o = new Order(i, s);
  o.lines.push({ sku: 'sku-' + (i % 5000), qty: i % 7, note: { text: 'n' + i } });
  const f = () => o.total + s.id;
  keep.push([s, o, f, { a: i, b: 'b' + i, c: [i] }]);
  if (i % 10 === 0) byId.set('k' + i, s);
}
globalThis.__bench_keep = keep;
globalThis.__bench_map = byId;
v8.writeHeapSnapshot(out);
