// Reproducer: Automattic/mongoose#7682 "Possible memory leak when deleting
// models".  The report: a program that compiles models and then deletes
// them again keeps every deleted model in memory, and the process grows
// without bound; no MongoDB server is needed to see it (mongoose 5.4.21).
// The maintainer found the cause and fixed it in 5.5.2, recommending
// connection.deleteModel().  Written from that description: a tenant
// service's handler (the `serveTenant` export, driven with `call`) compiles
// a model for a short-lived tenant (a schema and mongoose.model() under a
// new name), builds one document without saving it, and deletes the model
// with mongoose.deleteModel(); no connection is opened.  mongoose 5.4.21
// leaks the deleted models; 5.5.2 is fixed.
'use strict';
// The MongoDB driver mongoose 5.4/5.5 bundle prints a circular-dependency
// warning on current Node; keep the program quiet.
process.removeAllListeners('warning');
const mongoose = require('mongoose');

let tenant = 0;
exports.serveTenant = function serveTenant() {
  const name = `Invoice_${tenant++}`;
  const schema = new mongoose.Schema({
    number: { type: String, required: true },
    amount: Number,
    paid: { type: Boolean, default: false },
  });
  const Invoice = mongoose.model(name, schema);
  const doc = new Invoice({ number: `INV-${tenant}`, amount: 10 });
  mongoose.deleteModel(name);
  return doc.paid;
};
