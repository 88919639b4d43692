// Opens an HTML report in real headless Chromium and prints, as one line of
// JSON, what a person's browser would see.  Talks the DevTools protocol
// over --remote-debugging-pipe (fd 3 to Chromium, fd 4 from it; messages
// end with a NUL byte), so no WebSocket and no npm package are needed.
//
//   node cdp-check.js CHROMIUM FILE.html PROFILE_DIR SCREENSHOT.png
//
// Output: {"consoleErrors":[…], "requests":[URLs other than the page],
// "dialogs":[…], "charts":[{"metric","points"}…], "imgs":N, "scripts":N,
// "fnames":[texts], "checkNames":[texts], "sortedAsc":[…], "sortedDesc":[…],
// "csp":"…"}.  Used by specs/e2e/test_html.sh.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const [chromium, file, profile, shot] = process.argv.slice(2);
if (!chromium || !file || !profile || !shot) {
  console.error('usage: cdp-check.js CHROMIUM FILE.html PROFILE_DIR SHOT.png');
  process.exit(2);
}
const pageUrl = pathToFileURL(path.resolve(file)).href;
const proc = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--user-data-dir=' + profile,
  '--remote-debugging-pipe', '--window-size=1100,1400', 'about:blank',
], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });
const toChrome = proc.stdio[3];
const fromChrome = proc.stdio[4];

// Chromium's helpers share its process group: end them all.
function killAll() {
  try { process.kill(-proc.pid, 'SIGKILL'); } catch (e) { /* gone */ }
}
const timer = setTimeout(() => {
  console.error('cdp-check: timed out');
  killAll();
  process.exit(3);
}, 60000);

let nextId = 1;
const waiting = new Map();
const listeners = [];
let pending = Buffer.alloc(0);
fromChrome.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  let end;
  while ((end = pending.indexOf(0)) >= 0) {
    const msg = JSON.parse(pending.subarray(0, end).toString('utf8'));
    pending = pending.subarray(end + 1);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error)));
      else resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  toChrome.write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

async function main() {
  const out = { consoleErrors: [], requests: [], dialogs: [] };
  let loaded;
  const load = new Promise((r) => { loaded = r; });
  listeners.push((m) => {
    const p = m.params || {};
    if (m.method === 'Runtime.consoleAPICalled' &&
        (p.type === 'error' || p.type === 'assert'))
      out.consoleErrors.push(p.args.map((a) => a.value ?? a.description).join(' '));
    if (m.method === 'Runtime.exceptionThrown')
      out.consoleErrors.push(p.exceptionDetails.text + ' ' +
        ((p.exceptionDetails.exception || {}).description || ''));
    if (m.method === 'Log.entryAdded' && p.entry.level === 'error')
      out.consoleErrors.push(p.entry.source + ': ' + p.entry.text);
    if (m.method === 'Network.requestWillBeSent' && p.request.url !== pageUrl)
      out.requests.push(p.request.url);
    if (m.method === 'Page.javascriptDialogOpening') {
      out.dialogs.push(p.message);
      send('Page.handleJavaScriptDialog', { accept: true }, m.sessionId);
    }
    if (m.method === 'Page.loadEventFired') loaded();
  });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget',
    { targetId, flatten: true });
  for (const d of ['Runtime.enable', 'Log.enable', 'Network.enable', 'Page.enable'])
    await send(d, {}, sessionId);
  await send('Page.navigate', { url: pageUrl }, sessionId);
  await load;
  // Let late requests, errors or dialogs show up.
  await new Promise((r) => setTimeout(r, 500));
  const probe = `(() => {
    const charts = [...document.querySelectorAll('svg.chart')].map((s) => ({
      metric: s.dataset.metric,
      polylines: s.querySelectorAll('polyline').length,
      points: s.querySelector('polyline').getAttribute('points').trim()
        .split(/\\s+/).length,
      warm: s.querySelectorAll('circle.warm').length,
    }));
    const t = document.querySelector('table.sortable');
    const col = (i) => [...t.tBodies[0].rows].map((r) => r.cells[i].dataset.v ?? r.cells[i].textContent);
    t.closest('details').open = true;
    const th = t.tHead.rows[0].cells[3];
    th.click();
    const sortedAsc = col(3).map(Number);
    th.click();
    const sortedDesc = col(3).map(Number);
    return JSON.stringify({
      charts,
      imgs: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      fnames: [...document.querySelectorAll('.fname')].map((e) => e.textContent),
      checkNames: [...document.querySelectorAll('section.check h2')]
        .map((e) => e.textContent),
      holders: [...document.querySelectorAll('ol.path li.holder')]
        .map((e) => e.textContent),
      tails: [...document.querySelectorAll('pre.tail')].map((e) => e.textContent),
      sortedAsc, sortedDesc,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')
        .getAttribute('content'),
      dark: matchMedia('(prefers-color-scheme: dark)').matches,
    });
  })()`;
  const r = await send('Runtime.evaluate', { expression: probe, returnByValue: true },
    sessionId);
  if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails));
  Object.assign(out, JSON.parse(r.result.value));
  const m = await send('Page.getLayoutMetrics', {}, sessionId);
  const size = m.cssContentSize || m.contentSize;
  const png = await send('Page.captureScreenshot', {
    format: 'png', captureBeyondViewport: true,
    clip: { x: 0, y: 0, width: Math.min(size.width, 1100),
            height: Math.min(size.height, 1400), scale: 1 },
  }, sessionId);
  fs.writeFileSync(shot, Buffer.from(png.data, 'base64'));
  await new Promise((r) => setTimeout(r, 200));
  console.log(JSON.stringify(out));
  const exited = new Promise((r) => proc.once('exit', r));
  send('Browser.close').catch(() => { /* it went away */ });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
}

main().then(() => {
  clearTimeout(timer);
  killAll();
}, (e) => {
  console.error('cdp-check: ' + e.message);
  clearTimeout(timer);
  killAll();
  process.exit(3);
});
