// Package reactive is the reacting side of ocopledger: it tells other systems what the ledger
// learns, as it learns it, and records the observations the law asks the Department to make on
// time. The ledger log itself stays on the event store; everything here hangs off it through a
// Watermill router on NATS JetStream and never writes history except through the ledger service.
//
// # Parts
//
//   - Webhooks: subscriptions registered through the HTTP API (Mount), stored in the JetStream
//     KeyValue bucket OCOP_WEBHOOKS so that every instance shares them. Webhooks.Run delivers
//     matching ledger events to them with retries, a poison queue and a delivery log.
//   - FigureFeed: after each projection commit, publishes how each figure changed.
//   - Notifier: each day records ocop.expiry_noticed (30 days ahead), ocop.expired and
//     cnnttb.expired through the ledger, exactly once even with several instances running.
//     Subscribers learn of them like of any other entry: webhooks, SSE, NATS.
//
// # Webhook delivery
//
// The fan-out follows the log through the event store's durable position (eventstore.Durable)
// named ConsumerWebhooks ("ocop-webhooks"), and is handed each event decoded as the store reads
// it, as the ledger's wire type (ledger.Entry). All instances open the same position, so each
// event is fanned out once across the cluster, one at a time in the ledger's order, and again
// after a failure, a panic or a crash; a position the broker loses (its stream deleted and
// restored) is made again after the last event fanned out. The fan-out publishes one message per
// matching subscription on
//
//	ocop.webhook.<subscription-id>        stream OCOP_WEBHOOK_QUEUE (work queue)
//
// with Nats-Msg-Id = the delivery ID "<subscription-id>:<event-id>", so a fan-out retried after a
// crash does not queue twice. Each active subscription has its own durable consumer
// ("ocop-webhook-<subscription-id>", one message in flight) and its own router handler with the
// middleware chain CorrelationID → PoisonQueue → Retry (exponential backoff) → Recoverer: a
// failing endpoint retries and ends in the poison queue without holding up, or re-sending to, any
// other subscription. The handler POSTs the event envelope (the shape of `ocopledger export`
// lines) with the headers X-Ocop-Event-Id, X-Ocop-Sequence, X-Ocop-Delivery, X-Ocop-Event-Type,
// X-Ocop-Correlation-Id and X-Ocop-Signature: sha256=<hex HMAC-SHA256 of the body keyed with the
// subscription's secret>.
//
// Every attempt is logged in the stream OCOP_DELIVERIES:
//
//	ocop.deliveries.<subscription-id>.failed          a failed attempt
//	ocop.deliveries.<subscription-id>.ok.<hash>       the successful attempt of one delivery
//
// where <hash> is the first 32 hex digits of SHA-256(event ID). Before each attempt the handler
// looks the ok subject up: a delivery that succeeded is never sent again. (Exactly once, almost:
// an endpoint that answered 2xx just before the process died is sent the event again; receivers
// drop repeats by X-Ocop-Delivery.)
//
// Messages that keep failing after the retries are published to
//
//	ocop.poison.<subscription-id>         stream OCOP_POISON
//
// with the reason in the header reason_poisoned; GET /v1/webhooks/poison lists them.
//
// # Figure changes
//
//	ocop.figures.<figure-id>              stream OCOP_FIGURES, e.g. ocop.figures.ocop.valid
//
// carries {"figure","as_of","old","new","position","known_at"} for each figure whose value for
// today (in Vietnam) changed with the entries up to position. Plain NATS subscribers receive it
// too ("nats sub 'ocop.figures.>'"). Each message has Nats-Msg-Id "fig:<figure>:<as_of>:<position>":
// when several instances publish the same change, the stream keeps it once; plain NATS
// subscribers may see it once per instance and can drop repeats by that header.
// A change NATS does not acknowledge (slow, or the stream's leader away) is published again with
// backoff (FigureFeedConfig.Retry); one still not taken after the last retry is given up, logged
// as an error naming the figure and position, and reported to OnDropped (serve counts it in
// ocopledger_figure_changes_dropped_total).
//
// # Panics
//
// The fan-out, every handler of the routers (deliveries, the notifier's sweeps) and each round of the
// figure feed and of the webhooks' subscription sync recovers a panic into an error: logged with
// its stack, reported to OnPanic (serve counts it in ocopledger_panics_total{part}), and handled
// like any failure (retried; a delivery that keeps failing goes to the poison queue).
//
// # Streams and buckets
//
// OCOP_WEBHOOKS (KV), OCOP_WEBHOOK_QUEUE, OCOP_DELIVERIES (30 days by default), OCOP_POISON and
// OCOP_FIGURES (30 days) are created on start with the replicas of the ledger stream. None of
// them is ledger history: subscriptions are configuration, deliveries are operations.
package reactive
