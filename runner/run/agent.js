/*
 * leakcheck's agent.  The leakcheck binary embeds this file, writes it into
 * its private temp dir as agent.cjs and preloads it into the program under
 * test with `node --require <dir>/agent.cjs` (the .cjs name keeps it
 * CommonJS even under a package.json that says "type": "module", and it
 * works the same in front of an ES module entry script).
 *
 * Protocol: newline-terminated lines on the inherited socket whose number
 * is in LEAKCHECK_AGENT_FD.
 *   agent -> leakcheck   "ready"       the entry script's top-level code ran
 *                                      (call: the module is loaded and its
 *                                      setup export has finished)
 *                        "done K rss=N heap_total=N heap_used=N
 *                         external=N array_buffers=N"
 *                                      <dir>/K.heapsnapshot is complete;
 *                                      process.memoryUsage() in bytes,
 *                                      sampled right after the snapshot's
 *                                      GC (docs/agent-protocol.md)
 *                        "fail K MSG"  writing snapshot K threw MSG
 *                        "ran N"       call: the N calls have finished
 *                        "error JSON"  call: {kind, message, stack, call,
 *                                      of}; kind is load, export, setup or
 *                                      call; the program is then stopped
 *   leakcheck -> agent   "snap K"      write snapshot K now
 *                        "run N"       call: call the export N times, one
 *                                      after another, awaiting each result
 *
 * Drive mode call: LEAKCHECK_AGENT_CALL holds {module, export, setup,
 * setupRequired} as JSON.  node's main script is then an empty file; the
 * agent loads the module itself (require, or import() for an ES module),
 * runs the setup export when there is one, and only then says "ready".
 * The module is not require.main, so `if (require.main === module)` code
 * does not run.  The export is called with the module (its exports object
 * or namespace) as `this` and no arguments.
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
  const callText = env.LEAKCHECK_AGENT_CALL;
  const track = env.LEAKCHECK_AGENT_TRACK === '1';
  /* Hidden from the program and from the processes it starts: a child made
   * by child_process.fork inherits `--require` through execArgv, finds no
   * channel here and does nothing. */
  delete env.LEAKCHECK_AGENT_FD;
  delete env.LEAKCHECK_AGENT_DIR;
  delete env.LEAKCHECK_AGENT_CALL;
  delete env.LEAKCHECK_AGENT_TRACK;
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

  /* Allocation sites: V8 records each new object's allocation stack while
   * heap object tracking with allocation tracking is on, and every
   * snapshot taken then (v8.writeHeapSnapshot too) carries the stacks
   * (trace_function_infos, trace_tree, each node's trace_node_id).  Turned
   * on before the program's first line, through an in-process inspector
   * session that stays connected; without the inspector (a build without
   * it, a worker) the snapshots simply have no stacks. */
  let tracker = null;
  if (track) {
    /* V8's allocation tracker walks the JS stack at every allocation; in
     * Node 18 to 22 it crashes (SIGSEGV in AllocationTracker::
     * AllocationEvent) when the allocation is the deoptimiser
     * re-creating an object that escape analysis had taken apart.  About
     * 3 runs in 10 of a busy program crashed that way; without escape
     * analysis none of 40 did.  The flag only changes how optimised code
     * allocates short-lived objects, never what survives a GC. */
    try {
      require('v8').setFlagsFromString('--no-turbo-escape');
    } catch (e) {
      /* an engine without the flag: nothing to turn off */
    }
    try {
      const inspector = require('inspector');
      tracker = new inspector.Session();
      tracker.connect();
      tracker.post('HeapProfiler.enable');
      tracker.post('HeapProfiler.startTrackingHeapObjects',
                   { trackAllocations: true });
    } catch (e) {
      tracker = null;
    }
  }

  /* "snap K" -> K, "run N" -> N (as a string), or '' for anything else.
   * No RegExp: V8 tiers a regexp up to native code after a few runs, which
   * would show up as growth of compiled code between snapshots. */
  function argOf(line, verb) {
    if (line.length < verb.length + 1 || line.length > verb.length + 10 ||
        !line.startsWith(verb)) {
      return '';
    }
    for (let i = verb.length; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c < 48 || c > 57) {
        return '';
      }
    }
    return line.slice(verb.length);
  }

  function snap(k) {
    try {
      /* Synchronous: it collects garbage, then writes the whole file. */
      v8.writeHeapSnapshot(path.join(dir, k + '.heapsnapshot'));
    } catch (e) {
      const msg = String((e && e.message) || e).replace(/[\r\n]+/g, ' ');
      send('fail ' + k + ' ' + msg);
      return;
    }
    /* After the snapshot's full GC, so that the numbers of two snapshots
     * are comparable.  The strings are garbage before the next one. */
    send(doneLine(k));
  }

  function doneLine(k) {
    const m = process.memoryUsage();
    return 'done ' + k + ' rss=' + m.rss + ' heap_total=' + m.heapTotal +
           ' heap_used=' + m.heapUsed + ' external=' + m.external +
           ' array_buffers=' + (m.arrayBuffers || 0);
  }
  /* Run before the program's first line, so that the code V8 compiles for
   * it and its feedback (allocated lazily, after a few calls) exist before
   * snapshot 0 rather than appearing as growth between two later ones. */
  for (let i = 0; i < 4; i++) {
    doneLine(i);
  }

  /* --- drive mode call -------------------------------------------------- */

  let call = null;
  if (typeof callText === 'string') {
    try {
      call = JSON.parse(callText);
    } catch (e) {
      return;
    }
  }
  /* The function and its `this`, set once the module is loaded. */
  let target = null;
  let holder = null;
  /* Calls finished in the running batch; read when one throws. */
  let done = 0;

  function shortName() {
    return path.basename(call.module);
  }

  /* Reports a failure as one "error" line, and writes the stack to the
   * program's stderr, as Node does for an uncaught exception. */
  function reportError(kind, e, extra) {
    let message;
    let stack = '';
    if (kind === 'export') {
      message = String(e);
    } else if (e instanceof Error) {
      message = e.name + ': ' + e.message;
      stack = String(e.stack || '');
      /* The frames below the user's code are the agent's and Node's. */
      const at = stack.indexOf(__filename);
      const nl = at === -1 ? -1 : stack.lastIndexOf('\n', at);
      if (nl !== -1) {
        stack = stack.slice(0, nl);
      }
    } else {
      try {
        message = 'thrown value ' + (typeof e === 'string' ? JSON.stringify(e)
                                                          : String(e));
      } catch (e2) {
        message = 'a thrown value that cannot be shown';
      }
    }
    if (stack !== '') {
      try {
        require('fs').writeSync(2, stack + '\n');
      } catch (e2) {
        /* stderr is gone; the message still reaches leakcheck. */
      }
    }
    const o = { kind, message: message.slice(0, 4000),
                stack: stack.slice(0, 16000) };
    if (extra) {
      o.call = extra.call;
      o.of = extra.of;
    }
    send('error ' + JSON.stringify(o));
  }

  function isObject(x) {
    return x !== null && (typeof x === 'object' || typeof x === 'function');
  }

  /* mod[name]; for an ES module namespace of a CommonJS file, also
   * mod.default[name].  "default": the module itself when it is a function,
   * else its default export.  Sets holder. */
  function pick(mod, name) {
    if (name === 'default') {
      holder = mod;
      if (typeof mod === 'function') {
        return mod;
      }
      return isObject(mod) ? mod.default : undefined;
    }
    if (isObject(mod) && name in mod) {
      holder = mod;
      return mod[name];
    }
    if (isObject(mod) && isObject(mod.default) && name in mod.default) {
      holder = mod.default;
      return mod.default[name];
    }
    return undefined;
  }

  function exportsOf(mod) {
    const names = [];
    const add = (o) => {
      for (const k of Object.keys(o)) {
        if (k !== 'default' && !names.includes(k)) {
          names.push(k);
        }
      }
    };
    if (isObject(mod)) {
      add(mod);
      if (isObject(mod.default)) {
        add(mod.default);
      }
    }
    return names.length ? names.slice(0, 20).join(', ') : '(none)';
  }

  async function load() {
    try {
      return require(call.module);
    } catch (e) {
      const code = e && e.code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') {
        throw e;
      }
    }
    return import(require('url').pathToFileURL(call.module).href);
  }

  async function start() {
    let mod;
    try {
      mod = await load();
    } catch (e) {
      reportError('load', e);
      return;
    }
    if (call.setupRequired || call.setup === 'setup') {
      const s = pick(mod, call.setup);
      if (s === undefined && call.setupRequired) {
        reportError('export', "'" + shortName() + "' has no export '" +
                    call.setup + "' (setup); its exports are: " +
                    exportsOf(mod));
        return;
      }
      if (s !== undefined && typeof s !== 'function' && call.setupRequired) {
        reportError('export', "export '" + call.setup + "' (setup) of '" +
                    shortName() + "' is " + describe(s) +
                    ', not a function');
        return;
      }
      if (typeof s === 'function') {
        try {
          await s.call(holder);
        } catch (e) {
          reportError('setup', e);
          return;
        }
      }
    }
    const f = pick(mod, call.export);
    if (f === undefined) {
      reportError('export', "'" + shortName() + "' has no export '" +
                  call.export + "'; its exports are: " + exportsOf(mod));
      return;
    }
    if (typeof f !== 'function') {
      reportError('export', "export '" + call.export + "' of '" +
                  shortName() + "' is " + describe(f) + ', not a function');
      return;
    }
    target = f;
    send('ready');
  }

  function describe(x) {
    if (x === null) {
      return 'null';
    }
    if (Array.isArray(x)) {
      return 'an array';
    }
    const t = typeof x;
    return (t === 'object' || t === 'undefined' ? 'an ' : 'a ') + t;
  }

  /* One batch: n calls, each awaited when it returns a thenable.  Nothing
   * of a call outlives it: no closure per call, no chain of promises. */
  async function batch(n) {
    for (done = 0; done < n; done++) {
      const r = target.call(holder);
      if (isObject(r) && typeof r.then === 'function') {
        await r;
      }
    }
  }

  function runBatch(n) {
    batch(n).then(() => send('ran ' + n),
                  (e) => reportError('call', e, { call: done + 1, of: n }));
  }

  function handle(line) {
    let k = argOf(line, 'snap ');
    if (k !== '') {
      snap(k);
      return;
    }
    k = argOf(line, 'run ');
    if (k !== '' && target !== null) {
      runBatch(Number(k));
    }
  }

  let pending = '';
  sock.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      handle(line);
    }
  });

  if (call !== null) {
    /* leakcheck drives the program: the socket keeps it alive.  The
     * module sees its own path as argv[1]. */
    sock.ref();
    process.argv[1] = call.module;
    setImmediate(start);
  } else {
    /* Preloads run before the entry script; an immediate runs once its
     * synchronous top-level code has finished. */
    setImmediate(() => send('ready'));
  }
})();
