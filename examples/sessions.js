// A class-based leak: a registry that only ever grows.  Each "request"
// creates a Session and stores it in a module-level Map that is never
// pruned, the way a forgotten cache or an unremoved listener grows.
'use strict';

class Session {
  constructor(id) {
    this.id = id;
    this.user = `user-${id % 97}`;
    this.createdAt = Date.now();
    this.scratch = new Array(32).fill(id);
  }
}

const registry = new Map();
let next = 0;

function handleRequest() {
  const s = new Session(next++);
  registry.set(s.id, s);
}

setInterval(handleRequest, 20);
