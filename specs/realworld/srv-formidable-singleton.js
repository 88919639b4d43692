// Reproducer: hatashiro/express-formidable#13 "Memory leak" (fixed by #10).
// The report: the middleware makes one formidable IncomingForm when it is
// set up and parses every request with it; each parse adds its callbacks to
// that one form, so the form keeps every request (IncomingMessage) it ever
// parsed, and memory grows without bound.  The fix makes a new form per
// request.
// This program: an Express server on 127.0.0.1 with express-formidable in
// front of a POST /orders route that echoes the parsed form fields;
// leakcheck's http drive (or probe.js) posts a urlencoded form.
// Leaks: express-formidable 1.0.0; fixed: 1.2.0 (formidable 1.2.6,
// express 4.21.2, Node 22).
'use strict';
const express = require('express');
const formidable = require('express-formidable');

const app = express();
app.use(formidable());
app.post('/orders', (req, res) => {
  res.json({ item: req.fields.item, qty: Number(req.fields.qty) });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
