// CLEAN: a large one-off allocation that lands late: about 2 s after
// start the first "report" request loads a 5 MB lookup table (an Array of
// 655,360 doubles) and keeps it for the rest of the program's life, like a
// lazily loaded dictionary.  With `every: 250ms` a snapshot is taken about
// every 0.5 s (writing one takes ~0.25 s) and the two warm-up snapshots
// end at ~1.1 s, so the jump falls between two measured snapshots: one
// step in one interval, flat before and after; a jump, not a leak.
// Leaking constructor: none (one Array of 5 MB, allocated once).
'use strict';

let table = null;
const started = Date.now();
let nextId = 0;

function handleRequest() {
  const id = nextId++;
  if (!table && Date.now() - started >= 2000) {
    table = new Array(655360).fill(0.25);
  }
  const row = table ? table[id % 655360] : 0;
  const reply = { id, row, text: `row ${id}` };
  return reply.text.length;
}

setInterval(handleRequest, 20);
