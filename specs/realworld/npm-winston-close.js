// Reproducer: winstonjs/winston#1706, fixed by winstonjs/winston#1824
// "Unbind uncaught exception/rejection event listeners on close" (also
// reported as winstonjs/winston#2005, MaxListenersExceededWarning with
// winston 3.3.3).  The report: a logger created with a transport that
// handles exceptions adds an 'uncaughtException' listener to process, and
// logger.close() does not remove it, so loggers that are repeatedly opened
// and closed leak (each listener keeps its logger and transports alive).
// The fix was released in winston 3.4.0.  Written from that description:
// every 50 ms a job runner starts 3 jobs; each creates its own logger
// with a silent Console transport that handles exceptions, logs one line,
// and closes the logger.  winston 3.3.3 leaks (and warns once about the
// listeners); 3.4.0 is fixed.
'use strict';
const winston = require('winston');

function runJob(id) {
  const logger = winston.createLogger({
    defaultMeta: { job: id },
    transports: [new winston.transports.Console({ handleExceptions: true, silent: true })],
  });
  logger.info('job finished');
  logger.close();
}

let id = 0;
setInterval(() => {
  for (let i = 0; i < 3; i++) runJob(id++);
}, 50);
