// An HTTP server tested under load (drive mode `http`): leakcheck starts
// it, reads the port from the "listening on http://127.0.0.1:PORT" line,
// and sends N requests between two snapshots from its own process.
// POST /orders records an AuditEntry per request in a log that is never
// trimmed: exactly one leaked object per request.  GET /health allocates
// only what dies with the request.  The number of requests served is
// printed when the server is stopped (SIGTERM), so it can be compared with
// what leakcheck sent.
'use strict';

const http = require('http');

class AuditEntry {
  constructor(method, url, bytes) {
    this.method = method;
    this.url = url;
    this.bytes = bytes;
  }
}

const auditLog = []; // never trimmed
let served = 0;

const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk) => { bytes += chunk.length; });
  req.on('end', () => {
    served++;
    if (req.method === 'POST' && req.url.startsWith('/orders')) {
      auditLog.push(new AuditEntry(req.method, req.url, bytes));
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, entries: auditLog.length }));
    } else if (req.url === '/health') {
      res.end('ok\n');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
});

// Port 0: the system picks a free one; leakcheck reads it from stdout.
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});

process.on('SIGTERM', () => {
  console.log(`served ${served} requests`);
  process.exit(0);
});
