// Reproducer: node-fetch/node-fetch#1446 "Mem leak when keepalive is used".
// The report: node-fetch 3.1.0 with an http.Agent that keeps connections
// alive grows memory on every request, while Node's http module with the
// same agent does not; it was bisected to node-fetch 3.0.0 (a listener that
// each request adds to the reused socket, keeping the request) and fixed in
// the 3.2 line (node-fetch#1474).
// This program: an ES module for leakcheck's call drive.  `setup` starts a
// small JSON server on 127.0.0.1 and a keep-alive agent; `handle` fetches
// from it with node-fetch through that agent and reads the body, as a
// service calling another service would.
// Leaks: node-fetch 3.1.0; fixed: 3.2.10 (Node 22).
import http from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// node-fetch 3 is an ES module; run.sh provides packages through NODE_PATH,
// which only require() honours, so resolve it that way and import the file.
const require = createRequire(import.meta.url);
const { default: fetch } = await import(pathToFileURL(require.resolve('node-fetch')).href);

let url;
let agent;

export function setup() {
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"stock": 3}');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      url = `http://127.0.0.1:${server.address().port}/stock`;
      server.unref();
      resolve();
    });
  });
}

export async function handle() {
  const res = await fetch(url, { agent });
  const body = await res.json();
  return body.stock;
}
