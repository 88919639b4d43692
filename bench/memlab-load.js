// The other side of bench/pair-memlab.sh: memlab's own snapshot loader
// (@memlab/core, as `memlab` uses it) on one .heapsnapshot, then a count
// of objects per node name, so that both tools do comparable work: read
// the file into a graph and aggregate it per class.  Prints one line.
'use strict';
const path = require('path');
const dir = process.env.MEMLAB_DIR;
const core = require(path.join(dir, 'node_modules', '@memlab', 'core'));

async function main(file) {
  const heap = await core.utils.getSnapshotFromFile(file, {
    buildNodeIdIndex: true,
    verbose: false,
  });
  const counts = new Map();
  heap.nodes.forEach((node) => {
    counts.set(node.name, (counts.get(node.name) || 0) + 1);
  });
  console.log(`${heap.nodes.length} nodes, ${counts.size} names`);
}

main(process.argv[2]).catch((e) => {
  console.error(e);
  process.exit(1);
});
