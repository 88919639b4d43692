// Reproducer: nodejs/node#45633 "diagnostics_channel: fix diagnostics
// channel memory leak": subscribing to and unsubscribing from channels
// whose names are made per operation (a tracer that subscribes to
// `request:<id>` while a request runs) leaves every channel behind.
// Written from the report's description: each operation subscribes a
// handler to its own channel name, publishes once, and unsubscribes.  In
// the leaking versions the module's table of channels keeps an entry per
// name; fixed versions drop the entry once the channel is unused.
'use strict';
const dc = require('diagnostics_channel');
let seq = 0;
let seen = 0;
function onMessage() {
  seen++;
}
function operation() {
  const name = `request:${++seq}`;
  dc.subscribe(name, onMessage);
  dc.channel(name).publish({ seq });
  dc.unsubscribe(name, onMessage);
}
setInterval(() => {
  for (let i = 0; i < 100; i++) operation();
}, 50);
