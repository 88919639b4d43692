// External-memory leak: a ring of 8 Buffers where each replacement is
// 32 KB larger than the slot's last one (a "bounded" ring whose entries
// grow, e.g. a per-slot scratch buffer that is never shrunk).  The number
// of Buffer objects stays at 8; their backing stores (external memory,
// arrayBuffers) grow by about 640 KB a second.
'use strict';
const ring = new Array(8).fill(null);
let tick = 0;
setInterval(() => {
  const slot = tick % ring.length;
  const size = 4096 + 32 * 1024 * Math.floor(tick / ring.length + 1);
  const b = Buffer.alloc(size, tick & 0xff);
  ring[slot] = b;
  tick++;
}, 50);
