// CLEAN: a large one-off allocation: 300 ms after start the program loads
// a 5 MB table (an Array of 655,360 doubles) and keeps it for the rest of
// its life, like a dictionary or a model loaded once.  One big jump, then
// flat.
// Leaking constructor: none (one Array of 5 MB, allocated once).
'use strict';

let table = null;

setTimeout(() => {
  table = new Array(655360).fill(0.5);
}, 300);

let nextId = 0;

function handleRequest() {
  const id = nextId++;
  const row = table ? table[id % 655360] : 0;
  const reply = { id, row, text: `row ${id}` };
  return reply.text.length;
}

setInterval(handleRequest, 20);
