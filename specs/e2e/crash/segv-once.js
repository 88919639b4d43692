// Leaks Entry objects into `kept`.  Its first run kills itself by SIGSEGV
// after a second, as Node 18-22 did when V8's allocation tracker crashed
// during a deoptimisation; with CRASH_ALWAYS=1 every run does.  Each start
// appends a line to $STARTS.
'use strict';
const fs = require('fs');
const starts = process.env.STARTS;
const crash = process.env.CRASH_ALWAYS === '1' ||
  !fs.existsSync(starts) || fs.readFileSync(starts, 'utf8') === '';
fs.appendFileSync(starts, 'start\n');

class Entry {
  constructor(i) {
    this.i = i;
    this.at = Date.now();
  }
}
const kept = [];
setInterval(() => {
  for (let i = 0; i < 100; i++) kept.push(new Entry(i));
}, 50);
if (crash) setTimeout(() => process.kill(process.pid, 'SIGSEGV'), 1000);
