// Reproducer: fastify/fastify#4843 "Memory Leak: fastify instance kept in
// memory after calling .close()" (fixed by fastify/fastify#4860, "Do not
// leak memory if .listen() is not called").
// The report: an app that is built, used through inject() and closed without
// ever listening stays in memory: on Node 18 and later the http.Server that
// Fastify creates starts its connections-checking interval, and close() did
// not close a server that was not listening, so the timer kept the server,
// its router and the whole Fastify instance.
// This program: a module for leakcheck's call drive, written as a
// serverless-style handler: each call builds a Fastify app with one route,
// answers one request through app.inject() (no socket), and closes the app.
// Leaks: fastify 4.18.0; fixed: 4.19.0 (Node 22).
'use strict';
const Fastify = require('fastify');

exports.handle = async () => {
  const app = Fastify();
  app.get('/quote', async (request) => ({ symbol: request.query.symbol, price: 101.5 }));
  const res = await app.inject({ method: 'GET', url: '/quote?symbol=ACME' });
  await app.close();
  return res.statusCode;
};
