// Package eventstore is the ledger's event store on NATS JetStream. It knows
// nothing of the domain: it stores opaque JSON payloads in an envelope.
//
// # Subjects and order
//
// The whole ledger is one JetStream stream (DefaultStreamName, file
// storage) over the subjects "ocop.events.>". An event of the aggregate
// stream "product.p1" (see ValidStreamName) is a message on subject
// "ocop.events.product.p1". The JetStream sequence is the global order of
// the ledger (Envelope.Sequence); Envelope.Version counts 1, 2, 3… within an
// aggregate stream.
//
// # Messages
//
// Each message body is a self-describing JSON object, readable by any NATS
// consumer without this package:
//
//	{"id":"…","type":"ocop.certified","schema":1,"stream":"product.p1","version":3,
//	 "recorded_at":"2024-07-01T08:00:00.123456789Z","backfilled":false,
//	 "actor":"…","source":"Công văn 470/SCT-QLTM","correlation_id":"…","data":{…}}
//
// Headers carry only ASCII: Nats-Msg-Id (the event ID), Ocop-Type and
// Ocop-Version. The sequence and the broker's timestamp (AppendedAt) come
// from the message metadata when reading.
//
// # Immutability
//
// The stream is created with deny_delete, deny_purge, no roll-ups, no limits
// (max_age 0, max_msgs/max_bytes/max_msgs_per_subject -1, discard new), no
// TTLs, no subject transform, so the broker itself refuses to remove
// history, whoever asks. Open refuses an existing stream configured
// otherwise with a *StreamConfigError. The package never deletes or purges.
//
// # Durability
//
// In embedded mode (Config.DataDir) the store runs nats-server in-process
// with JetStream file storage and sync_interval "always": an append is
// acknowledged only after it was written and fsynced, so it survives a
// kill -9 or power loss. With Config.NatsURL the durability is the remote
// server's (use replicas 3 on a cluster).
//
// # Concurrency and idempotency
//
// Append takes the version the caller expects the aggregate stream to be
// at. The store reads the stream's last message (direct get) to compare
// versions, then publishes with Nats-Expected-Last-Subject-Sequence so that
// the broker refuses a writer that lost the race in between; both cases
// return an error matching ErrConcurrency (JetStream codes 10071 and 10164).
// Several events are appended all-or-nothing with a JetStream atomic batch
// (at most MaxEventsPerAppend). Every appended event's ID is sent as Nats-Msg-Id
// with a DuplicateWindow of two hours (Import sends none: the subjects' sequence
// checks refuse a batch stored before), and a refused append whose events are
// already stored — same IDs, same stream, same order — is reported as a
// success with AppendResult.Duplicate: a retry after a lost answer never
// stores twice nor reports a conflict.
//
// # Recorded time
//
// RecordedAt is when the ledger learned of an event. Along the log it never
// goes backwards within one process, so "the ledger as known at time K" is
// a prefix of the log: live appends take max(clock, last recorded time), and
// a backfill (Proposed.RecordedAt set) earlier than the last recorded time
// is refused with ErrBackfillOrder. Writers in several processes cannot be
// kept perfectly monotonic; readers should use the running maximum of
// RecordedAt along the log, as the projections do.
//
// # Reading
//
// ReadStream loads one aggregate by direct get in batches (no consumer),
// completed through the stream leader up to the last event the leader
// reports, so that version checks see every acknowledged append; Read and
// Follow walk the whole log from a
// global sequence through an ordered consumer (ephemeral, flow controlled,
// no acks), Read up to the end seen when it starts, Follow until its
// context is done. They decode the messages ahead of the callback on a few
// goroutines and still call it in log order on one; ReadAs and FollowAs
// also run a conversion there, e.g. the decoding of the payloads.
//
// # When the broker cannot take an append
//
// Connected to a cluster, each request of an append or of ReadStream waits
// at most Config.RequestTimeout (1.5 s): during a stream leader election
// nobody answers for seconds, and the caller gets ErrUnavailable at once
// rather than a long wait; retrying the same events is safe. In embedded
// mode an append that would leave less than Config.MinFreeBytes free on the
// data directory's disk fails with a *StorageFullError (ErrStorageFull)
// before anything is written; when the disk fills anyway, the unanswered
// publish fails the same way within a second, and once space is back the
// store restarts JetStream in the running server to reopen the log
// (storage.go explains what nats-server does on a full disk). CheckStorage
// says whether appends can be written now.
package eventstore
