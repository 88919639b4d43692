// The independent ground truth for specs/realworld: runs a case's script in
// this process (node --expose-gc probe.js SCRIPT SECONDS [DRIVE]), and once
// a second forces two full GCs and samples process.memoryUsage().heapUsed.
// Prints one line: the samples' least-squares slope in KB/s over the run
// after the first 2 s (lazy initialisation), the growth first -> last, and
// the samples.  No heap snapshot is taken: nothing of leakcheck is used.
//
// DRIVE is expected.tsv's drive column (a YAML flow mapping's inside):
//   every: ...            the script runs by itself (the default);
//   call: NAME, times: N  the script is a module: its `setup` export (or
//                         setup: NAME) runs once, then NAME is called N
//                         times, one call after another, before each sample;
//   http: PATH, requests: N, concurrency: C, method: M, body: '...'
//                         the script is a server printing "listening on
//                         http://127.0.0.1:PORT"; before each sample a child
//                         process (so no client object is in this heap)
//                         sends N requests to 127.0.0.1:PORT over C
//                         kept-alive connections and waits for the answers.
'use strict';
const path = require('path');
const { pathToFileURL } = require('url');

// parseDrive('http: /x, requests: 40, headers: { A: b }') -> {http: '/x', ...}
function parseDrive(s) {
  const out = {};
  let i = 0;
  const skip = () => { while (i < s.length && /\s/.test(s[i])) i++; };
  const value = () => {
    skip();
    if (s[i] === '{') {
      i++;
      const o = {};
      for (;;) {
        skip();
        if (s[i] === '}') { i++; return o; }
        const k = scalar(':');
        i++;
        o[k] = value();
        skip();
        if (s[i] === ',') i++;
      }
    }
    return scalar(',}');
  };
  const scalar = (stops) => {
    skip();
    if (s[i] === "'" || s[i] === '"') {
      const q = s[i++];
      let v = '';
      while (i < s.length && s[i] !== q) v += s[i++];
      i++;
      return v;
    }
    let v = '';
    while (i < s.length && !stops.includes(s[i])) v += s[i++];
    return v.trim();
  };
  while (i < s.length) {
    skip();
    if (i >= s.length) break;
    const k = scalar(':');
    i++;
    out[k] = value();
    skip();
    if (s[i] === ',') i++;
  }
  return out;
}

// The load generator, in a child process: per 'go' message, `requests`
// requests over `concurrency` kept-alive connections; then 'done'.
function client(port, drive) {
  const http = require('http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(drive.concurrency || 1) });
  const method = (drive.method || 'GET').toUpperCase();
  const body = drive.body === undefined ? null : Buffer.from(String(drive.body));
  const url = new URL(drive.http, `http://127.0.0.1:${port}`);
  const one = () => new Promise((resolve) => {
    const headers = Object.assign({}, drive.headers || {});
    if (body) headers['Content-Length'] = body.length;
    const req = http.request({ host: '127.0.0.1', port: url.port || port, path: url.pathname + url.search,
      method, headers, agent }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', resolve);
    req.end(body || undefined);
  });
  process.on('message', async () => {
    const n = Number(drive.requests || 1);
    const c = Number(drive.concurrency || 1);
    let sent = 0;
    const worker = async () => { while (sent < n) { sent++; await one(); } };
    await Promise.all(Array.from({ length: c }, worker));
    process.send('done');
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[2] === '--client') {
  client(Number(process.argv[3]), JSON.parse(process.argv[4]));
  return;
}
if (typeof gc !== 'function') {
  console.error('probe: run with node --expose-gc');
  process.exit(2);
}
const script = path.resolve(process.argv[2]);
const seconds = Number(process.argv[3] || 20);
const drive = parseDrive(process.argv[4] || 'every: 1s');
const write = process.stdout.write.bind(process.stdout);
const samples = [];

function report() {
  const ys = samples.slice(2);
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, x) => {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) * (x - mx);
  });
  const slope = sxy / sxx / 1024;
  const kb = samples.map((s) => Math.round(s / 1024));
  write(`slope ${slope.toFixed(1)} KB/s growth ` +
    `${Math.round((ys[n - 1] - ys[0]) / 1024)} KB samples ${kb.join(' ')}\n`);
  process.exit(0);
}

function sample() {
  gc();
  gc();
  samples.push(process.memoryUsage().heapUsed);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => (/\.mjs$/.test(script) ? import(pathToFileURL(script).href) : Promise.resolve(require(script)));

async function driven(batch) {
  for (let t = 0; t < seconds; t++) {
    const t0 = Date.now();
    await batch();
    await sleep(Math.max(0, 1000 - (Date.now() - t0)));
    sample();
  }
  report();
}

if (drive.call !== undefined) {
  load().then(async (mod) => {
    const pick = (n) => (n === 'default' ? (mod.default || mod) : mod[n] !== undefined ? mod[n] : mod.default && mod.default[n]);
    const setup = pick(drive.setup || 'setup');
    if (typeof setup === 'function') await setup();
    const fn = pick(drive.call);
    const times = Number(drive.times || 1);
    await driven(async () => { for (let i = 0; i < times; i++) await fn(); });
  });
} else if (drive.http !== undefined) {
  // The port, as leakcheck's `port: auto` finds it: from the server's output
  // (swallowed so that the probe prints one line).
  let port = /^http:\/\/127\.0\.0\.1:(\d+)/.exec(drive.http);
  port = port ? Number(port[1]) : 0;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    const child = require('child_process').fork(__filename, ['--client', String(port), JSON.stringify(drive)]);
    driven(() => new Promise((resolve) => { child.once('message', resolve); child.send('go'); }));
  };
  process.stdout.write = (chunk, ...rest) => {
    const m = /(https?:\/\/(127\.0\.0\.1|localhost):|listening on (port )?)([0-9]{1,5})/i.exec(String(chunk));
    if (m && !port) port = Number(m[4]);
    if (port) setImmediate(start);
    const cb = rest.find((a) => typeof a === 'function');
    if (cb) cb();
    return true;
  };
  load();
  if (port) setImmediate(start);
} else {
  require(script);
  let t = 0;
  const timer = setInterval(() => {
    sample();
    if (++t < seconds) return;
    clearInterval(timer);
    report();
  }, 1000);
}
