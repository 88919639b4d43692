// Reproducer: nodejs/node#44220 "perf_hooks: add resourcetiming buffer
// limit": every fetch() adds a PerformanceResourceTiming entry to the
// global performance timeline, and without a limit that buffer grows
// for as long as the process fetches (reported again for 20.11 as
// nodejs/node#51823, where the buffer is capped).  Written from the
// report's description: a service calls a local HTTP API with the built-in
// fetch (a long query string, as a search API gets) 60 times a second
// and reads each body.  In the leaking
// versions the timeline keeps an entry per request; fixed versions stop
// buffering at the default 250 entries, so the growth ends.
'use strict';
const http = require('http');
const server = http.createServer((req, res) => {
  res.end('{"ok":true}');
});
server.listen(0, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}/status`;
  const filter = 'f'.repeat(1024);
  let seq = 0;
  let failed = 0;
  let busy = false;
  setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (let i = 0; i < 6; i++) await (await fetch(`${base}?seq=${++seq}&filter=${filter}`)).text();
    } catch {
      failed++; // a service logs a failed call and goes on
    } finally {
      busy = false;
    }
  }, 100);
});
