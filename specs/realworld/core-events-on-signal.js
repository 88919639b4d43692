// Reproducer: nodejs/node#51010 "events.on AsyncIterator API does not
// remove abort listener from signal in closeHandler" (fixed by
// nodejs/node#51091).  Written from the report's description: a consumer
// reads a few events from an emitter with `for await (... of
// events.on(emitter, name, { signal }))`, then leaves the loop, many times
// over, always with the same long-lived signal (a service-wide shutdown
// signal).  In the leaking versions every iterator leaves its abort
// listener (and the iterator with its queues) on the signal; fixed
// versions remove it when the iterator is closed.
'use strict';
const { EventEmitter, on } = require('events');
const shutdown = new AbortController();
require('events').setMaxListeners(0, shutdown.signal);
async function readOne(emitter) {
  setImmediate(() => emitter.emit('data', 1));
  for await (const [value] of on(emitter, 'data', { signal: shutdown.signal })) {
    return value;
  }
  return 0;
}
async function batch() {
  for (let i = 0; i < 5; i++) await readOne(new EventEmitter());
}
setInterval(batch, 250);
