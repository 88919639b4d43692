// Reproducer: expressjs/session, the default MemoryStore (its README: "not
// designed for a production environment ... will leak memory"; the leak is
// discussed in expressjs/session#487).  Expired sessions are never removed
// from the default store: a session is only dropped when the same cookie
// comes back after it expired, so every visitor that does not return (a
// crawler, a health check, a client without a cookie jar) stays in memory.
// roccomuso/memorystore was written as the leak-free in-memory store: it
// prunes expired sessions every `checkPeriod`.
// This program: an Express server on 127.0.0.1 with express-session
// (saveUninitialized, 2 s cookies) and a GET /cart route that puts a cart of 8
// items into the session; leakcheck's http drive (or probe.js) sends requests without
// cookies, so each request makes a new session.  When the package
// memorystore is installed the server uses it (pruning every second),
// otherwise express-session's default MemoryStore.
// Leaks: express-session 1.18.1 alone; clean: express-session 1.18.1 with
// memorystore 1.6.7 (express 4.21.2, Node 22).
'use strict';
const express = require('express');
const session = require('express-session');

let store;
try {
  const MemoryStore = require('memorystore')(session);
  store = new MemoryStore({ checkPeriod: 1000 });
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  store = new session.MemoryStore();
}

const app = express();
app.use(session({
  secret: 'realworld-corpus',
  resave: false,
  saveUninitialized: true,
  cookie: { maxAge: 2000 },
  store,
}));
app.get('/cart', (req, res) => {
  if (!req.session.cart) {
    req.session.cart = { created: Date.now(), agent: req.get('user-agent') || '', items: [] };
    for (let i = 0; i < 8; i++) req.session.cart.items.push({ sku: `SKU-${1000 + i}`, qty: 1, price: 9.5 + i });
  }
  res.json({ items: req.session.cart.items.length });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
