// Reproducer: request/request#2575 "EventEmitter leak in 2.80".
// The report: after upgrading request to 2.80.0, a service that makes many
// requests over kept-alive connections printed "Possible EventEmitter memory
// leak detected. 11 connect listeners added" and grew from 300 MB to 1-2 GB;
// 2.79 did not.  The timing code added in 2.80.0 puts a 'connect' listener
// on the socket for every request, and with keep-alive the socket is reused,
// so its listeners (each holding its Request) pile up.  2.81.0 only listens
// while the socket is still connecting, and once.
// This program: an API gateway on 127.0.0.1 (leakcheck's http drive, or
// probe.js, sends GET /inventory) that answers each request by calling an
// upstream service (a second server in the same process, also on
// 127.0.0.1) with request, over a keep-alive agent, with timings on.
// Leaks: request 2.80.0; fixed: 2.81.0 (Node 22).
'use strict';
const http = require('http');
const request = require('request');

const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
const upstream = http.createServer((req, res) => {
  res.setHeader('Content-Type', 'application/json');
  res.end('{"sku": "A-1", "stock": 7}');
});

upstream.listen(0, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${upstream.address().port}`;
  const gateway = http.createServer((req, res) => {
    request({ url: `${base}/stock`, agent, time: true, json: true }, (err, r, body) => {
      res.statusCode = err ? 502 : 200;
      res.end(JSON.stringify({ stock: body && body.stock, ms: r && Math.round(r.timings.end) }));
    });
  });
  gateway.listen(0, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${gateway.address().port}`);
  });
});
