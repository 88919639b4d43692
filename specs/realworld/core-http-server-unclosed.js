// Reproducer: nodejs/node#48604 "http: memory leak if a server is not
// closed".  Written from the report's description: code that builds an
// http.Server per unit of work and never listens or closes it (as a test
// helper or a request-forwarding wrapper that makes a server object only
// to reuse its request handling).  In the leaking versions the
// connection-tracking interval that every new server starts keeps the
// server alive forever; fixed versions start it only on listen().
// Drive: call `makeServer`, one server per call.
'use strict';
const http = require('http');
function handler(req, res) {
  res.end('ok');
}
function makeServer() {
  const server = http.createServer(handler);
  return server.listening;
}
module.exports = { makeServer };
