// Reproducer: sindresorhus/got#2160 "Resource leak when (re-)using an abort
// signal".
// The report: when one AbortController is reused for many got requests (its
// signal aborts all work on shutdown), every request adds an 'abort'
// listener to the signal that is never removed, and the listener refers back
// to the request, so the long-lived signal keeps every Request (and what it
// holds) for as long as it lives.  Fixed in got 12.5.3 (the listener is
// removed when the request ends).
// This program: a service on 127.0.0.1 (leakcheck's http drive, or
// probe.js, sends GET /price) with one server-wide shutdown controller
// (aborted on SIGTERM); each request calls an upstream service (a second
// server in the same process, also on 127.0.0.1) with got, passing the
// shutdown signal so that a shutdown cancels calls in flight.
// Leaks: got 12.5.2; fixed: 12.5.3 (Node 22).
import http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// got 12 is an ES module; run.sh provides packages through NODE_PATH,
// which only require() honours, so resolve it that way and import the file.
const require = createRequire(import.meta.url);
const { default: got } = await import(pathToFileURL(require.resolve('got')).href);

const shutdown = new AbortController();
process.once('SIGTERM', () => shutdown.abort());

const upstream = http.createServer((req, res) => {
  res.setHeader('Content-Type', 'application/json');
  res.end('{"sku": "B-2", "price": 19.5}');
});
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${upstream.address().port}`;

const server = http.createServer(async (req, res) => {
  try {
    const quote = await got(`${base}/quote`, { signal: shutdown.signal, retry: { limit: 0 } }).json();
    res.end(JSON.stringify({ price: quote.price }));
  } catch (e) {
    res.statusCode = 502;
    res.end();
  }
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
