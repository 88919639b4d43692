// Builds a heap whose contents are known, then writes two heap snapshots of
// this one process (A, then B after a known change) in one of the three
// ways Node.js offers, or with the heapdump module.  Used by specs/e2e/test_node_versions.sh and
// test_devtools_crosscheck.sh with Node 18, 20, 22 and 24.
//
//   node gen/known-heap.js write OUTDIR       v8.writeHeapSnapshot
//   node --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=OUTDIR \
//        gen/known-heap.js signal OUTDIR      the signal, sent to itself
//   node gen/known-heap.js inspector OUTDIR   HeapProfiler.takeHeapSnapshot
//                                             over an in-process Session
//   LC_HEAPDUMP=DIR node gen/known-heap.js heapdump OUTDIR
//                                             the heapdump module at DIR
//                                             (writeSnapshot)
//
// Writes OUTDIR/a.heapsnapshot and OUTDIR/b.heapsnapshot and prints one
// line of JSON with what the heap holds at each snapshot.
//
// What A holds, by DevTools class name:
//   Keep        100 instances of a one-field class
//   Grow        40 instances; between A and B, 10 are dropped and 25 made,
//               so B has 55 and the Comparison shows +25 / -10
//   {lcAlpha, lcBeta}   7 plain objects built property by property (no
//               object literal, so no boilerplate object is counted)
//   WKey, WVal  5 WeakMap keys and their 5 values
//   LinkHolder  1 object holding a chain of 10 closures
//   StrHolder   1 object holding strings with escapes, lone surrogates,
//               astral characters, control characters and 3000 chars
//   Map         a Map of 50 entries; LcMapValue 50 values
'use strict';
const fs = require('fs');
const path = require('path');
const v8 = require('v8');

const [way, outDir] = process.argv.slice(2);
if (!['write', 'signal', 'inspector', 'heapdump'].includes(way) || !outDir) {
  console.error('usage: known-heap.js write|signal|inspector|heapdump OUTDIR');
  process.exit(2);
}

class Keep { constructor(i) { this.i = 'k' + i; } }
class Grow { constructor(i) { this.i = 'g' + i; } }
class WKey { constructor(i) { this.i = 'wk' + i; } }
class WVal { constructor(i) { this.i = 'wv' + i; } }
class LinkHolder { constructor(f) { this.head = f; } }
class StrHolder { constructor(s) { this.strings = s; } }
class LcMapValue { constructor(i) { this.i = 'mv' + i; } }

const keep = [];
for (let i = 0; i < 100; i++) keep.push(new Keep(i));
let grow = [];
for (let i = 0; i < 40; i++) grow.push(new Grow(i));

const shaped = [];
for (let i = 0; i < 7; i++) {
  const o = {};
  o.lcAlpha = 'alpha' + i;
  o.lcBeta = 'beta' + i;
  shaped.push(o);
}

const weak = new WeakMap();
const weakKeys = [];
for (let i = 0; i < 5; i++) {
  const k = new WKey(i);
  weakKeys.push(k);
  weak.set(k, new WVal(i));
}

let link = null;
for (let i = 0; i < 10; i++) {
  const prev = link;
  link = function lcLink() { return prev; };
}
const links = new LinkHolder(link);

const strings = new StrHolder([
  'quote " backslash \\ slash / tab \t newline \n cr \r',
  'controls \u0001\u0002\u001f\u007f end',
  'latin é, euro €, cjk 漢字',
  'astral \u{1F600} and \u{1D800}',
  'lone high \uD800 here',
  'lone low \uDC00 here',
  'x'.repeat(3000) + String(Date.now() % 7),
  ['a', 'b', 'c'].join('\u0000'),
]);

const map = new Map();
for (let i = 0; i < 50; i++) map.set('key' + i, new LcMapValue(i));

globalThis.__knownHeap = { keep, shaped, weak, weakKeys, links, strings, map,
                           get grow() { return grow; } };

function change() {
  grow = grow.slice(10);
  for (let i = 40; i < 65; i++) grow.push(new Grow(i));
}

function isComplete(file) {
  try {
    const st = fs.statSync(file);
    if (st.size < 2) return false;
    const fd = fs.openSync(file, 'r');
    const b = Buffer.alloc(2);
    fs.readSync(fd, b, 0, 2, st.size - 2);
    fs.closeSync(fd);
    return b.toString() === ']}';
  } catch (e) {
    return false;
  }
}

async function viaSignal(name) {
  const before = new Set(fs.readdirSync(outDir));
  process.kill(process.pid, 'SIGUSR2');
  const deadline = Date.now() + 60000;
  for (;;) {
    const fresh = fs.readdirSync(outDir).filter(
        f => !before.has(f) && /^Heap\..*\.heapsnapshot$/.test(f));
    if (fresh.length === 1 && isComplete(path.join(outDir, fresh[0]))) {
      fs.renameSync(path.join(outDir, fresh[0]), path.join(outDir, name));
      return;
    }
    if (Date.now() > deadline) throw new Error('no snapshot after SIGUSR2');
    await new Promise(r => setTimeout(r, 50));
  }
}

let session = null;
function viaInspector(name) {
  const inspector = require('inspector');
  if (!session) {
    session = new inspector.Session();
    session.connect();
    session.post('HeapProfiler.enable');
  }
  const chunks = [];
  const onChunk = m => chunks.push(m.params.chunk);
  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  return new Promise((resolve, reject) => {
    session.post('HeapProfiler.takeHeapSnapshot', {reportProgress: false},
                 err => {
      session.removeListener('HeapProfiler.addHeapSnapshotChunk', onChunk);
      if (err) return reject(err);
      fs.writeFileSync(path.join(outDir, name), chunks.join(''));
      resolve();
    });
  });
}

function viaHeapdump(name) {
  const heapdump = require(process.env.LC_HEAPDUMP);
  return new Promise((resolve, reject) => {
    heapdump.writeSnapshot(path.join(outDir, name),
                           err => (err ? reject(err) : resolve()));
  });
}

async function snap(name) {
  if (way === 'write') v8.writeHeapSnapshot(path.join(outDir, name));
  else if (way === 'signal') await viaSignal(name);
  else if (way === 'heapdump') await viaHeapdump(name);
  else await viaInspector(name);
}

(async () => {
  fs.mkdirSync(outDir, {recursive: true});
  await snap('a.heapsnapshot');
  change();
  await snap('b.heapsnapshot');
  if (session) session.disconnect();
  console.log(JSON.stringify({node: process.version, way,
                              keep: keep.length, grow: grow.length}));
})().catch(e => {
  console.error(e && e.stack || e);
  process.exit(1);
});
