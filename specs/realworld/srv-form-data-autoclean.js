// Reproducer: ortexx/express-form-data#16 "Memory leak in 2.0.19".
// The report: after upgrading express-form-data from 2.0.18 to 2.0.19 an
// Express backend's memory grew until it was restarted, even when only a
// health-check endpoint was hit; `parse({ autoClean: true })` registers a
// process-exit handler (signal-exit) for every request, and that handler
// keeps the request, so no request is ever collected.  2.0.20 keeps one
// handler, replacing the previous one.
// This program: an Express server on 127.0.0.1 with the library's parse
// middleware (autoClean on, as in its README) in front of a JSON health
// route; leakcheck's http drive (or probe.js) sends GET /health.
// Leaks: express-form-data 2.0.19; fixed: 2.0.20 (express 4.21.2, Node 22).
'use strict';
const os = require('os');
const express = require('express');
const formData = require('express-form-data');

const app = express();
app.use(formData.parse({ uploadDir: os.tmpdir(), autoClean: true }));
app.use(formData.format());
app.get('/health', (req, res) => {
  res.json({ ok: true, files: Object.keys(req.files || {}).length });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
