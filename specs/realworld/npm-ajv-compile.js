// Reproducer: ajv-validator/ajv#2557 "Memory leak introduced by recent
// update" (the cause is explained in ajv-validator/ajv#1413).  The report:
// after updating from ajv 6.12.6 to 8.17.1 a service leaked through
// validation until it nearly went down.  Since v7, ajv keys its cache of
// compiled schemas by the schema object itself, not by its serialisation,
// so a schema that arrives as a new object each time (parsed from JSON) is
// compiled and kept again every time; v6 compiles each distinct schema once.
// Written from that description: a multi-tenant API has 240 tenants, each
// with its own request schema stored as JSON; its request handler (the
// `handleRequest` export, driven with `call`) serves the tenants in turn,
// parsing the tenant's schema and calling ajv.validate(schema, body).
// ajv 8.17.1 leaks (one compiled schema kept per request); with 6.12.6
// (the version before the regression) the cache fills with one entry per
// tenant during the first 240 requests and then stays flat: lazy warm-up
// that stops (with 40 calls between snapshots, after 6 snapshots).
'use strict';
const Ajv = require('ajv');

const ajv = new Ajv({ allErrors: true });
const tenants = [];
for (let t = 0; t < 240; t++) {
  tenants.push(JSON.stringify({
    type: 'object',
    required: ['customer', 'amount'],
    properties: {
      customer: { type: 'string', maxLength: 40 + t },
      amount: { type: 'number', minimum: 0 },
      note: { type: 'string' },
    },
  }));
}

let n = 0;
exports.handleRequest = function handleRequest() {
  const schema = JSON.parse(tenants[n % tenants.length]);
  const body = { customer: `c${n}`, amount: n % 100 };
  n++;
  return ajv.validate(schema, body);
};
