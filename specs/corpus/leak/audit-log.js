// LEAK: an in-memory audit log: an array of class instances appended on
// every request and never trimmed or flushed (the "keep a history for the
// admin page" leak).
// Leaking constructor: AuditEntry (one per request).
'use strict';

class AuditEntry {
  constructor(seq, action, actor) {
    this.seq = seq;
    this.action = action;
    this.actor = actor;
    this.at = Date.now();
  }
}

const ACTIONS = ['login', 'logout', 'read', 'write', 'delete'];
const auditLog = [];
let seq = 0;

function handleRequest() {
  const action = ACTIONS[seq % ACTIONS.length];
  const actor = `user-${seq % 20}`;
  auditLog.push(new AuditEntry(seq++, action, actor));
  // Transient work for the request.
  const scratch = new Array(16).fill(seq);
  return scratch.length;
}

setInterval(handleRequest, 20);
