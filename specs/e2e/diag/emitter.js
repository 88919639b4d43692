// LEAK: a listener per request added to an app-wide EventEmitter and never
// removed; each closure keeps its request's context.
'use strict';
const { EventEmitter } = require('events');
const bus = new EventEmitter();
bus.setMaxListeners(0);
let next = 0;
function handle() {
  const ctx = { id: next++, at: Date.now() };
  bus.on('reload', () => { ctx.reloaded = true; }); // ALLOC
}
setInterval(handle, 10);
