// Reproducer: nodejs/node#46435 "'fetch' memory leak introduced in
// v18.13.0".
// The report: passing an AbortSignal to the global fetch() leaks in Node
// 18.13.0 (18.12.1 did not); every request's resources stay reachable after
// the response was read.  Fixed by the undici update Node 18 took later
// (undici 5.21 and up, released in 18.17.0).
// This program: a module for leakcheck's call drive.  `setup` starts a small
// JSON server on 127.0.0.1; `handle` fetches from it with a per-request
// AbortController's signal (as code with a cancel button or a deadline
// does) and reads the body.
// Leaks: Node 18.13.0; fixed: Node 18.20.8.
'use strict';
const http = require('http');

let url;

exports.setup = () => new Promise((resolve) => {
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"price": 12}');
  });
  server.listen(0, '127.0.0.1', () => {
    url = `http://127.0.0.1:${server.address().port}/price`;
    server.unref();
    resolve();
  });
});

exports.handle = async () => {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const body = await res.json();
  return body.price;
};
