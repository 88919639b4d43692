// Reproducer: apollographql/graphql-subscriptions#209 "Fix memory leak in
// withFilter cause by recursion" (fixes #212).  The report: a long-lived
// subscriber whose filter rejects most messages makes memory grow while
// messages are published, because withFilter waits for the next accepted
// message by returning a new promise from inside the previous one, so every
// rejected message adds a link to a promise chain that lives until a
// message passes the filter.  The fix (released in 1.2.1) loops inside one
// promise.  Written from that description: one subscriber listens for the
// events of its own order (id 0) through withFilter on a PubSub; every
// 50 ms the service publishes 200 events of other orders, so the pending
// next() never resolves.  graphql-subscriptions 1.2.0 leaks; 1.2.1 is
// fixed.
'use strict';
const { PubSub, withFilter } = require('graphql-subscriptions');

const pubsub = new PubSub();
const subscribe = withFilter(
  () => pubsub.asyncIterator('ORDER_UPDATED'),
  (payload, args) => payload.orderId === args.orderId,
);

const iterator = subscribe(undefined, { orderId: 0 }, {}, {});
iterator.next().then((event) => {
  throw new Error(`unexpected event ${JSON.stringify(event)}`);
});

let n = 0;
setInterval(() => {
  for (let i = 0; i < 200; i++) {
    pubsub.publish('ORDER_UPDATED', { orderId: 1 + (n++ % 1000), status: 'shipped' });
  }
}, 50);
