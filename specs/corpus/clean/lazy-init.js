// CLEAN: lazy initialization: a big lookup table (20,000 Tariff objects)
// is built on the first request only and reused by every later request.
// The heap jumps once, during warm-up, then stays flat.
// Leaking constructor: none (Tariff is built once).
'use strict';

class Tariff {
  constructor(code, rate) {
    this.code = code;
    this.rate = rate;
  }
}

let table = null;

function tariffs() {
  if (!table) {
    table = new Map();
    for (let i = 0; i < 20000; i++) table.set(`T${i}`, new Tariff(`T${i}`, i / 100));
  }
  return table;
}

let nextId = 0;

function handleRequest() {
  const t = tariffs();
  const basket = [];
  for (let i = 0; i < 20; i++) basket.push({ code: `T${(nextId++ * 7) % 20000}`, qty: 2 });
  return basket.reduce((sum, b) => sum + t.get(b.code).rate * b.qty, 0);
}

setInterval(handleRequest, 20);
