// Independent probe for the native corpus and the noise floor: preloaded
// with `node --expose-gc --require probe.js program.js`, it samples
// process.memoryUsage() after a forced full GC every PROBE_EVERY ms
// (default 500), skips the first PROBE_WARMUP ms (default 1000), and after
// PROBE_FOR ms (default 4000) prints one JSON line on fd 3 (or stderr) and
// ends the process:
//   {"samples":N,"growth":{"rss":B,"heapUsed":B,"external":B,
//    "arrayBuffers":B},"max_rise":{...}}
// growth = last - first sample of the window; max_rise = the largest rise
// over any sub-window (max over i<j of v[j] - v[i]), the figure a noise
// floor must stay above; min_step = the smallest rise between two
// consecutive samples (positive only when the value rose every time).
'use strict';
const fs = require('fs');
const every = +process.env.PROBE_EVERY || 500;
const warmup = +process.env.PROBE_WARMUP || 1000;
const total = +process.env.PROBE_FOR || 4000;
const keys = ['rss', 'heapUsed', 'external', 'arrayBuffers'];
const samples = [];
const t0 = Date.now();

function sample() {
  global.gc();
  const m = process.memoryUsage();
  samples.push(keys.map((k) => m[k]));
}

function finish() {
  const growth = {}, rise = {}, step = {};
  keys.forEach((k, i) => {
    const v = samples.map((s) => s[i]);
    growth[k] = v[v.length - 1] - v[0];
    let lo = v[0], best = 0;
    for (const x of v) {
      lo = Math.min(lo, x);
      best = Math.max(best, x - lo);
    }
    rise[k] = best;
    let least = Infinity;
    for (let j = 1; j < v.length; j++) least = Math.min(least, v[j] - v[j - 1]);
    step[k] = least;
  });
  const line = JSON.stringify({ samples: samples.length, growth, max_rise: rise,
    min_step: step }) + '\n';
  try {
    fs.writeSync(3, line);
  } catch {
    process.stderr.write(line);
  }
  process.exit(0);
}

const timer = setInterval(() => {
  if (Date.now() - t0 < warmup) return;
  sample();
  if (Date.now() - t0 >= warmup + total) {
    clearInterval(timer);
    finish();
  }
}, every);
timer.unref();
// Keep the process alive even if the program has no timers of its own.
setInterval(() => {}, 1 << 30);
