#!/usr/bin/env node
// The `leakcheck` command of the npm package: finds the binary of the
// platform package npm installed (@leakcheck/<os>-<cpu>, an optional
// dependency) and runs it with the same arguments, then exits with its
// status, or re-raises the signal that ended it.  Signals sent to this
// shim are forwarded to the binary.
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const platform = `${process.platform}-${process.arch}`;
const pkg = `@leakcheck/${platform}`;

function findBinary() {
  if (process.env.LEAKCHECK_BINARY) return process.env.LEAKCHECK_BINARY;
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'bin', 'leakcheck');
  } catch (e) {
    return null;
  }
}

const bin = findBinary();
if (!bin) {
  const msg = platform === 'linux-x64'
    ? `leakcheck: the package ${pkg} is missing; it is an optional dependency ` +
      'of leakcheck: reinstall without --no-optional / --omit=optional'
    : `leakcheck: no prebuilt binary for ${platform}; build leakcheck from ` +
      'source (a C compiler, cmake, libyaml-dev, libjsmn-dev): ' +
      'cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build, ' +
      'then set LEAKCHECK_BINARY=/path/to/build/leakcheck (see the README of the leakcheck package)';
  process.stderr.write(msg + '\n');
  process.exit(2);
}

const child = spawn(bin, process.argv.slice(2), { stdio: 'inherit' });
const forward = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
for (const sig of forward) {
  process.on(sig, () => { try { child.kill(sig); } catch (e) { /* gone */ } });
}
child.on('error', (err) => {
  process.stderr.write(`leakcheck: cannot run ${bin}: ${err.message}\n`);
  process.exit(2);
});
child.on('exit', (code, signal) => {
  if (signal) {
    for (const sig of forward) process.removeAllListeners(sig);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code);
});
