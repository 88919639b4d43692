#!/usr/bin/env node
// Optional cross-check for leakcheck: computes the Chrome DevTools Memory
// panel's Summary (and Comparison) rows for a .heapsnapshot using the real
// DevTools heap snapshot worker code, bundled by setup.sh. See README.md.
//
//   node specs/devtools/devtools-summary.mjs FILE.heapsnapshot
//   node specs/devtools/devtools-summary.mjs --diff BASE.heapsnapshot FILE.heapsnapshot
//
// The bundle is loaded from $LEAKCHECK_DEVTOOLS_DIR (default /tmp/leakcheck-devtools).
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const USAGE = 'usage: devtools-summary.mjs FILE.heapsnapshot\n' +
    '       devtools-summary.mjs --diff BASE.heapsnapshot FILE.heapsnapshot';

const cacheDir = process.env.LEAKCHECK_DEVTOOLS_DIR || '/tmp/leakcheck-devtools';
const bundlePath = path.join(cacheDir, 'heap-snapshot-worker.mjs');

// DevTools' ChunkedFileReader hands the worker 10,000,000-byte chunks decoded as UTF-8.
const CHUNK_BYTES = 10000000;

function die(msg, code = 2) {
  process.stderr.write(msg + '\n');
  process.exit(code);
}

async function loadWorker() {
  if (!fs.existsSync(bundlePath)) {
    die(`devtools-summary: ${bundlePath} not found; run specs/devtools/setup.sh ${cacheDir} first`);
  }
  return import(pathToFileURL(bundlePath).href);
}

async function load(worker, file) {
  const stream = fs.createReadStream(file, {encoding: 'utf8', highWaterMark: CHUNK_BYTES});
  return worker.buildSnapshotFromChunks(stream);
}

function byKey(a, b) {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

async function summary(worker, file) {
  const model = worker.HeapSnapshotModel;
  const snapshot = await load(worker, file);
  // What HeapSnapshotConstructorsDataGrid asks for with the default "All objects" filter.
  const aggregates = snapshot.aggregatesWithFilter(new model.NodeFilter());
  const rows = [];
  for (const key in aggregates) {
    const a = aggregates[key];
    // HeapSnapshotGridNode.toUIDistance shows "\u2212" outside [0, baseSystemDistance).
    const distance = a.distance >= 0 && a.distance < model.baseSystemDistance ? a.distance : null;
    rows.push({key, name: a.name, count: a.count, self_size: a.self, retained_size: a.maxRet, distance});
  }
  rows.sort(byKey);
  return {
    node_count: snapshot.nodeCount,
    edge_count: snapshot.containmentEdges.length / snapshot.edgeFieldsCount,
    total_size: snapshot.totalSize,
    rows,
  };
}

async function diff(worker, baseFile, file) {
  // In DevTools each snapshot lives in its own worker; only structured-cloned
  // data crosses between them (HeapSnapshotDiffDataGrid.populateChildren).
  const base = await load(worker, baseFile);
  const snapshot = await load(worker, file);
  const interfaceDefinitions = snapshot.interfaceDefinitions();
  const aggregatesForDiff = structuredClone(base.aggregatesForDiff(interfaceDefinitions));
  const BASE_SNAPSHOT_UID = 1;
  const diffByClassKey = snapshot.calculateSnapshotDiff(BASE_SNAPSHOT_UID, aggregatesForDiff);
  const rows = [];
  for (const key in diffByClassKey) {
    const d = diffByClassKey[key];
    if (!d.addedCount && !d.removedCount) {
      continue;
    }
    rows.push({
      key,
      name: d.name,
      new: d.addedCount,
      deleted: d.removedCount,
      delta: d.countDelta,
      alloc_size: d.addedSize,
      freed_size: d.removedSize,
      size_delta: d.sizeDelta,
    });
  }
  rows.sort(byKey);
  return {rows};
}

async function main(argv) {
  let result;
  if (argv[0] === '--diff') {
    if (argv.length !== 3) {
      die(USAGE);
    }
    const worker = await loadWorker();
    result = await diff(worker, argv[1], argv[2]);
  } else {
    if (argv.length !== 1 || argv[0].startsWith('-')) {
      die(USAGE);
    }
    const worker = await loadWorker();
    result = await summary(worker, argv[0]);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main(process.argv.slice(2)).catch(e => die(`devtools-summary: ${e?.stack || e}`, 1));
