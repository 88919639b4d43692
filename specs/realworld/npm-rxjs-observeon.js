// Reproducer: ReactiveX/rxjs#6561 "(Likely) Scheduled action leaks" (the
// same leak as ReactiveX/rxjs#6624 "Scheduler memory leak on v7").  The
// report: in rxjs 7, an action scheduled on an Rx scheduler by an operator
// such as observeOn is added to the long-lived subscriber's teardowns and
// never removed after it ran, so a subscription that lives on keeps every
// action and the value it carried.  Fixed in 7.4.0 ("scheduling with
// Rx-provided schedulers will no longer leak action references", #6562;
// "observeOn: release action references on teardown").  Written from that
// description: an event bus (a Subject) is observed on the async scheduler
// by one subscriber for the life of the program; every 50 ms 100 events are
// published.  rxjs 7.3.0 leaks; 7.4.0 is fixed.
'use strict';
const { Subject, asyncScheduler } = require('rxjs');
const { observeOn } = require('rxjs/operators');

const bus = new Subject();
let handled = 0;
bus.pipe(observeOn(asyncScheduler)).subscribe((event) => {
  handled += event.size;
});

let n = 0;
setInterval(() => {
  for (let i = 0; i < 100; i++) bus.next({ id: n++, size: 1 });
}, 50);
