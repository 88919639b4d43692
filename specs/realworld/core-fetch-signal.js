// Reproducer: nodejs/node#52635 (also nodejs/undici#3157, and
// nodejs/node#51441 for 21.5) "Long-lived AbortSignals and undici cause
// MaxListenersExceededWarnings": fetch() adds an abort listener to the
// signal it is given and does not remove it when the request is over.
// Written from the report's description: a client passes the same
// application-wide shutdown signal to every fetch() of a local HTTP API
// and reads every body.  In the leaking versions the long-lived signal
// keeps a listener (and with it the request) per fetch; fixed versions
// let them go once the response is consumed.
'use strict';
const http = require('http');
const { setMaxListeners } = require('events');
const shutdown = new AbortController();
setMaxListeners(0, shutdown.signal);
const server = http.createServer((req, res) => {
  res.end('{"ok":true}');
});
server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}/items`;
  let busy = false;
  setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (let i = 0; i < 10; i++) {
        await (await fetch(url, { signal: shutdown.signal })).text();
      }
    } finally {
      busy = false;
    }
  }, 100);
});
