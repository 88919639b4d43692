// Clean counterpart of leak/buffer-ring.js: a ring of 8 Buffers of 64 KB,
// each slot replaced on every lap (the memory is reused, not grown).
'use strict';
const ring = new Array(8).fill(null);
let tick = 0;
setInterval(() => {
  ring[tick % ring.length] = Buffer.alloc(64 * 1024, tick & 0xff);
  tick++;
}, 50);
