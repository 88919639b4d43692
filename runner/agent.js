/*
 * leakcheck's agent.  The leakcheck binary embeds this file, writes it into
 * its private temp dir as agent.cjs and preloads it into the program under
 * test with `node --require <dir>/agent.cjs` (the .cjs name keeps it
 * CommonJS even under a package.json that says "type": "module", and it
 * works the same in front of an ES module entry script).
 *
 * Protocol: newline-terminated ASCII lines on the inherited socket whose
 * number is in LEAKCHECK_AGENT_FD.
 *   agent -> leakcheck   "ready"       the entry script's top-level code ran
 *                        "done K"      <dir>/K.heapsnapshot is complete
 *                        "fail K MSG"  writing snapshot K threw MSG
 *   leakcheck -> agent   "snap K"      write snapshot K now
 *
 * Everything here lives in the heap being measured, so nothing in it may
 * grow from one snapshot to the next: one socket, a few closures, and a line
 * accumulator whose strings are garbage before the next snapshot's GC.  The
 * agent never prints, never keeps the program alive (the socket is
 * unref'd), and kills the program's process group as soon as leakcheck goes
 * away, so that no orphan survives it.
 */
'use strict';

(function leakcheckAgent() {
  const env = process.env;
  const fdText = env.LEAKCHECK_AGENT_FD;
  const dir = env.LEAKCHECK_AGENT_DIR;
  /* Hidden from the program and from the processes it starts: a child made
   * by child_process.fork inherits `--require` through execArgv, finds no
   * channel here and does nothing. */
  delete env.LEAKCHECK_AGENT_FD;
  delete env.LEAKCHECK_AGENT_DIR;
  if (typeof fdText !== 'string' || !/^[0-9]+$/.test(fdText) ||
      typeof dir !== 'string' || dir === '') {
    return;
  }

  const net = require('net');
  const path = require('path');
  const v8 = require('v8');

  function die() {
    /* leakcheck is gone and nobody will stop the program: end its whole
     * group (the program leads it), or at least the program itself. */
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch (e) {
      /* Not a group leader; fall through. */
    }
    process.kill(process.pid, 'SIGKILL');
  }

  let sock;
  try {
    sock = new net.Socket({ fd: Number(fdText), readable: true,
                            writable: true });
  } catch (e) {
    return;
  }
  sock.unref();
  sock.setEncoding('latin1');
  sock.on('error', die);
  sock.on('end', die);
  sock.on('close', die);

  function send(line) {
    sock.write(line + '\n');
  }

  /* "snap K" -> K, or '' for anything else.  No RegExp: V8 tiers a regexp
   * up to native code after a few runs, which would show up as growth of
   * compiled code between snapshots. */
  function snapIndex(line) {
    if (line.length < 6 || line.length > 15 || !line.startsWith('snap ')) {
      return '';
    }
    for (let i = 5; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c < 48 || c > 57) {
        return '';
      }
    }
    return line.slice(5);
  }

  function handle(line) {
    const k = snapIndex(line);
    if (k === '') {
      return;
    }
    try {
      /* Synchronous: it collects garbage, then writes the whole file. */
      v8.writeHeapSnapshot(path.join(dir, k + '.heapsnapshot'));
    } catch (e) {
      const msg = String((e && e.message) || e).replace(/[\r\n]+/g, ' ');
      send('fail ' + k + ' ' + msg);
      return;
    }
    send('done ' + k);
  }

  let pending = '';
  function onData(chunk) {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      handle(line);
    }
  }
  sock.on('data', onData);

  /* Preloads run before the entry script; an immediate runs once its
   * synchronous top-level code has finished.  Before saying "ready", the
   * agent runs its own snapshot path once into /dev/null: the first call
   * of each function (ours and Node's) compiles code, which would
   * otherwise show up as growth between the first measured snapshots. */
  setImmediate(() => {
    /* An interval that fires twice, so that Node's timer code (first
     * run and re-arming) is compiled too: almost every program fires
     * timers between the first snapshots. */
    let fired = 0;
    const warm = setInterval(() => {
      if (++fired < 2) {
        return;
      }
      clearInterval(warm);
      try {
        onData('');
        v8.writeHeapSnapshot('/dev/null');
      } catch (e) {
        /* Only a warm-up. */
      }
      send('ready');
    }, 1);
  });
})();
