// The independent ground truth for specs/realworld: runs a case's script in
// this process (node --expose-gc probe.js SCRIPT SECONDS), and once a
// second forces two full GCs and samples process.memoryUsage().heapUsed.
// Prints one line: the samples' least-squares slope in KB/s over the run
// after the first 2 s (lazy initialisation), the growth first -> last, and
// the samples.  No heap snapshot is taken: nothing of leakcheck is used.
'use strict';
const path = require('path');
if (typeof gc !== 'function') {
  console.error('probe: run with node --expose-gc');
  process.exit(2);
}
const script = path.resolve(process.argv[2]);
const seconds = Number(process.argv[3] || 20);
const samples = [];
require(script);
let t = 0;
const timer = setInterval(() => {
  gc();
  gc();
  samples.push(process.memoryUsage().heapUsed);
  if (++t < seconds) return;
  clearInterval(timer);
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
  process.stdout.write(`slope ${slope.toFixed(1)} KB/s growth ` +
    `${Math.round((ys[n - 1] - ys[0]) / 1024)} KB samples ${kb.join(' ')}\n`);
  process.exit(0);
}, 1000);
