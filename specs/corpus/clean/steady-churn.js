// CLEAN: steady churn: a busy request handler that allocates many objects,
// closures, arrays and strings on every tick and drops them all when the
// tick ends (the young generation absorbs it).  Nothing survives a tick.
// Leaking constructor: none (Order, {sku, qty}, Function and (string) churn).
'use strict';

class Order {
  constructor(id, lines) {
    this.id = id;
    this.lines = lines;
    this.total = 0;
  }
}

let nextId = 0;

function handleRequest() {
  const orders = [];
  for (let i = 0; i < 50; i++) {
    const lines = [];
    for (let j = 0; j < 5; j++) lines.push({ sku: `sku-${j}`, qty: j + 1 });
    orders.push(new Order(nextId++, lines));
  }
  const totals = orders.map((o) => o.lines.reduce((n, l) => n + l.qty, 0));
  const report = JSON.stringify(totals);
  return report.length;
}

setInterval(handleRequest, 15);
