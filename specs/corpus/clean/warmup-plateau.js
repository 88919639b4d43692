// CLEAN: warm-up then plateau: a service fills its connection table and
// route cache during its first ~0.5 s (as a server does while clients
// connect), then only does steady work with what it has.
// Leaking constructor: none (Connection grows for 0.5 s, then is flat).
'use strict';

class Connection {
  constructor(id) {
    this.id = id;
    this.peer = `10.0.0.${id % 250}`;
    this.bytes = 0;
  }
}

const connections = [];
const started = Date.now();
let nextId = 0;

function handleRequest() {
  if (Date.now() - started < 500) {
    for (let i = 0; i < 5; i++) connections.push(new Connection(nextId++));
  }
  // Steady work on the existing connections.
  const c = connections[nextId++ % connections.length];
  c.bytes += 100;
  const frame = { to: c.peer, size: c.bytes };
  return JSON.stringify(frame).length;
}

setInterval(handleRequest, 20);
