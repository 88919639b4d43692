// CLEAN: an object pool: parser objects (each with a 4 KB scratch buffer)
// are acquired per request and released back to a free list, as in
// database drivers and game loops.  The pool never exceeds its peak size.
// Leaking constructor: none (Parser stays at the pool's size).
'use strict';

class Parser {
  constructor() {
    this.scratch = new Uint8Array(4096);
    this.length = 0;
  }
  reset() {
    this.length = 0;
  }
}

const free = [];
let created = 0;

function acquire() {
  if (free.length) return free.pop();
  created++;
  return new Parser();
}

function release(p) {
  p.reset();
  free.push(p);
}

let nextId = 0;

function handleRequest() {
  const inUse = [];
  for (let i = 0; i < 8; i++) {
    const p = acquire();
    p.scratch[0] = nextId++ & 0xff;
    p.length = 1;
    inUse.push(p);
  }
  const msg = { created, pooled: free.length, at: Date.now() };
  for (const p of inUse) release(p);
  return msg.created;
}

setInterval(handleRequest, 20);
