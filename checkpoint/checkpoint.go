// Package checkpoint keeps the ledger's signed checkpoints: each commits, in the C2SP
// tlog-checkpoint format signed with the data directory's key (package provenance), to the root of
// the Merkle tree of the log's first entries, as the read models hold it. They are published in
// the JetStream stream OCOP_CHECKPOINTS on subject ocop.checkpoints, which nothing may delete or
// purge, each larger than the one before: anyone subscribed holds the ledger to what it signed.
package checkpoint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/provenance"
)

const (
	// StreamName is the JetStream stream of the signed checkpoints.
	StreamName = "OCOP_CHECKPOINTS"
	// Subject is where checkpoints are published, in order.
	Subject = "ocop.checkpoints"
)

// Entry is a published checkpoint and where it is in the checkpoint stream.
type Entry struct {
	Seq       uint64    `json:"seq"`        // its position in OCOP_CHECKPOINTS
	Published time.Time `json:"published"`  // when it was published
	Size      int64     `json:"size"`       // entries of the log it commits to
	Root      []byte    `json:"root"`       // the Merkle tree root of those entries (base64 in JSON)
	Note      string    `json:"checkpoint"` // the signed note: the checkpoint's text, a blank line, the signatures
	// Cosignatures are the witnesses' cosignatures of this checkpoint the ledger holds (filled by
	// WithCosignatures), and Cosigned the note with their lines added.
	Cosignatures []provenance.Cosignature `json:"cosignatures,omitempty"`
	Cosigned     string                   `json:"cosigned,omitempty"`
}

// Log is the checkpoint stream of a ledger, and the key that signs (nil: it can only read).
type Log struct {
	js     jetstream.JetStream
	key    *provenance.Key
	stream jetstream.Stream
	cosig  jetstream.Stream // OCOP_COSIGNATURES, or nil

	mu     sync.Mutex
	latest *Entry // the last published, once read
}

// streamConfig is the checkpoint stream's configuration: like the ledger's, nothing may be
// removed from it.
func streamConfig(replicas int) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        StreamName,
		Description: "ocopledger signed checkpoints (C2SP tlog-checkpoint): append-only, nothing is ever deleted",
		Subjects:    []string{Subject},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    replicas,
		Discard:     jetstream.DiscardNew,
		MaxMsgs:     -1,
		MaxBytes:    -1,
		MaxMsgSize:  64 << 10,
		Duplicates:  eventstore.DuplicateWindow,
		DenyDelete:  true,
		DenyPurge:   true,
		AllowDirect: true,
	}
}

// Open opens the checkpoint stream of the ledger in s. With create it is made if missing (with
// the ledger stream's replicas); without, a missing stream gives a Log that lists nothing and
// cannot publish. key signs what Publish publishes (nil: none).
func Open(ctx context.Context, s *eventstore.Store, key *provenance.Key, create bool) (*Log, error) {
	l := &Log{js: s.JetStream(), key: key}
	st, err := l.js.Stream(ctx, StreamName)
	if errors.Is(err, jetstream.ErrStreamNotFound) && create {
		replicas := 1
		if info, err := s.JetStream().Stream(ctx, s.StreamName()); err == nil {
			replicas = info.CachedInfo().Config.Replicas
		}
		st, err = l.js.CreateStream(ctx, streamConfig(replicas))
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			st, err = l.js.Stream(ctx, StreamName)
		}
	}
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		return l, nil
	case err != nil:
		return nil, fmt.Errorf("checkpoint: stream %s: %w", StreamName, err)
	}
	if c := st.CachedInfo().Config; !c.DenyDelete || !c.DenyPurge || c.AllowRollup || c.MaxAge != 0 || c.Retention != jetstream.LimitsPolicy {
		return nil, domain.Internal("the stream %s allows its checkpoints to be removed: ocopledger refuses it", StreamName)
	}
	l.stream = st
	if l.cosig, err = openCosignatures(ctx, l.js, st.CachedInfo().Config.Replicas, create); err != nil {
		return nil, err
	}
	return l, nil
}

// Key is the key that signs, or nil.
func (l *Log) Key() *provenance.Key { return l.key }

// Latest returns the last published checkpoint, or nil if none.
func (l *Log) Latest(ctx context.Context) (*Entry, error) {
	if l.stream == nil {
		return nil, nil
	}
	m, err := l.stream.GetLastMsgForSubject(ctx, Subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: last checkpoint: %w", err)
	}
	e, err := entry(m)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.latest = &e
	l.mu.Unlock()
	return &e, nil
}

// Get returns the checkpoint at position seq of the checkpoint stream.
func (l *Log) Get(ctx context.Context, seq uint64) (*Entry, error) {
	if l.stream == nil {
		return nil, nil
	}
	m, err := l.stream.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: checkpoint %d: %w", seq, err)
	}
	e, err := entry(m)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// entry parses a message of the checkpoint stream.
func entry(m *jetstream.RawStreamMsg) (Entry, error) {
	text, _, ok := bytes.Cut(m.Data, []byte("\n\n"))
	if !ok {
		return Entry{}, fmt.Errorf("checkpoint: message %d of %s is not a signed note", m.Sequence, StreamName)
	}
	c, err := provenance.ParseCheckpoint(append(text, '\n'))
	if err != nil {
		return Entry{}, fmt.Errorf("checkpoint: message %d of %s: %w", m.Sequence, StreamName, err)
	}
	return Entry{Seq: m.Sequence, Published: m.Time.UTC(), Size: c.Size, Root: append([]byte(nil), c.Root[:]...), Note: string(m.Data)}, nil
}

// List returns up to limit checkpoints after position after of the checkpoint stream, oldest
// first, and the stream's last position.
func (l *Log) List(ctx context.Context, after uint64, limit int) ([]Entry, uint64, error) {
	if l.stream == nil {
		return nil, 0, nil
	}
	info, err := l.stream.Info(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("checkpoint: %w", err)
	}
	last := info.State.LastSeq
	var out []Entry
	for seq := after + 1; seq <= last && len(out) < limit; seq++ {
		e, err := l.Get(ctx, seq)
		if err != nil {
			return nil, 0, err
		}
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, last, nil
}

// search returns the first checkpoint whose size is at least size (checkpoints grow along the
// stream: a binary search), or nil.
func (l *Log) search(ctx context.Context, size int64) (*Entry, error) {
	latest, err := l.Latest(ctx)
	if err != nil || latest == nil || latest.Size < size {
		return nil, err
	}
	lo, hi := uint64(1), latest.Seq // the answer is in [lo, hi]
	found := latest
	for lo < hi {
		mid := lo + (hi-lo)/2
		e, err := l.Get(ctx, mid)
		if err != nil {
			return nil, err
		}
		if e != nil && e.Size >= size {
			hi, found = mid, e
		} else {
			lo = mid + 1
		}
	}
	if found.Seq != lo {
		e, err := l.Get(ctx, lo)
		if err != nil {
			return nil, err
		}
		if e != nil {
			found = e
		}
	}
	return found, nil
}

// At returns the published checkpoint of exactly size entries, or nil if none was published.
func (l *Log) At(ctx context.Context, size int64) (*Entry, error) {
	l.mu.Lock()
	latest := l.latest
	l.mu.Unlock()
	if latest != nil && latest.Size == size {
		return latest, nil
	}
	e, err := l.search(ctx, size)
	if err != nil || e == nil || e.Size != size {
		return nil, err
	}
	return e, nil
}

// AtOrAfter returns the first published checkpoint of size entries or more, or nil.
func (l *Log) AtOrAfter(ctx context.Context, size int64) (*Entry, error) { return l.search(ctx, size) }

// Sign signs a checkpoint of the first size entries of the tree in p, without publishing it.
func (l *Log) Sign(p *projections.Projection, size uint64) (provenance.SignedCheckpoint, error) {
	if l.key == nil {
		return provenance.SignedCheckpoint{}, errors.New("checkpoint: no signing key")
	}
	root, err := p.Root(size)
	if err != nil {
		return provenance.SignedCheckpoint{}, fmt.Errorf("checkpoint: %w", err)
	}
	return provenance.Sign(provenance.Checkpoint{Origin: l.key.Origin, Size: int64(size), Root: root}, l.key.Signer)
}

// Make signs a checkpoint of what the read models in p hold and publishes it, unless the last
// published checkpoint is already of that size (it is then returned, made is false). The
// read models' tree must cover their checkpoint.
func (l *Log) Make(ctx context.Context, p *projections.Projection) (e *Entry, made bool, err error) {
	if l.stream == nil {
		return nil, false, errors.New("checkpoint: there is no checkpoint stream")
	}
	size := p.Checkpoint()
	if n, err := p.TreeSize(); err != nil || n != size {
		return nil, false, fmt.Errorf("checkpoint: the read models' tree has %d entries, not %d (%v)", n, size, err)
	}
	for attempt := 0; ; attempt++ {
		latest, err := l.Latest(ctx)
		if err != nil {
			return nil, false, err
		}
		if latest != nil && latest.Size >= int64(size) {
			if latest.Size == int64(size) {
				return latest, false, nil
			}
			return nil, false, fmt.Errorf("checkpoint: the last published checkpoint is of %d entries, more than the %d the read models hold", latest.Size, size)
		}
		if size == 0 {
			return nil, false, nil // nothing to commit to yet
		}
		cp, err := l.Sign(p, size)
		if err != nil {
			return nil, false, err
		}
		msg := nats.NewMsg(Subject)
		msg.Data = cp.Note
		msg.Header.Set(jetstream.MsgIDHeader, "checkpoint-"+strconv.FormatInt(cp.Size, 10)+"-"+fmt.Sprintf("%x", cp.Root[:8]))
		// Checkpoints grow along the stream: publish only after the last one read.
		var lastSeq uint64
		if latest != nil {
			lastSeq = latest.Seq
		}
		msg.Header.Set(jetstream.ExpectedLastSeqHeader, strconv.FormatUint(lastSeq, 10))
		ack, err := l.js.PublishMsg(ctx, msg)
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence && attempt < 5 {
			continue // another instance published meanwhile
		}
		if err != nil {
			return nil, false, fmt.Errorf("checkpoint: publish: %w", err)
		}
		e := &Entry{Seq: ack.Sequence, Published: time.Now().UTC(), Size: cp.Size, Root: append([]byte(nil), cp.Root[:]...), Note: string(cp.Note)}
		l.mu.Lock()
		l.latest = e
		l.mu.Unlock()
		return e, !ack.Duplicate, nil
	}
}

// RootOf is a root hash as the API and the JSON answers write it.
func RootOf(h tlog.Hash) []byte { return append([]byte(nil), h[:]...) }

// Provenance says which history an answer came from: the log's first Size entries, the root of
// their Merkle tree and, when one was published for exactly that size, the signed checkpoint.
// Anyone holding an export can take its first Size lines, compute the root, and recompute the
// answer.
type Provenance struct {
	Size       uint64 `json:"size"`
	Root       []byte `json:"root,omitempty"`
	Checkpoint string `json:"checkpoint,omitempty"`
}

// ProvenanceOf returns the provenance of an answer read from the first size entries of the log
// in p. l may be nil (no checkpoint stream): the answer then carries the size and root only.
func (l *Log) ProvenanceOf(ctx context.Context, p *projections.Projection, size uint64) Provenance {
	pv := Provenance{Size: size}
	if size == 0 {
		return pv
	}
	if root, err := p.Root(size); err == nil {
		pv.Root = RootOf(root)
	}
	if l != nil {
		if e, err := l.At(ctx, int64(size)); err == nil && e != nil && bytes.Equal(e.Root, pv.Root) {
			pv.Checkpoint = e.Note
		}
	}
	return pv
}

// signed returns a signed checkpoint of the first size entries: the published one, or one signed
// now (not published: checkpoints are published in order, as the log grows).
func (l *Log) signed(ctx context.Context, p *projections.Projection, size uint64) (provenance.SignedCheckpoint, error) {
	if e, err := l.At(ctx, int64(size)); err == nil && e != nil {
		text, _, _ := bytes.Cut([]byte(e.Note), []byte("\n\n"))
		c, err := provenance.ParseCheckpoint(append(text, '\n'))
		if err == nil {
			return provenance.SignedCheckpoint{Checkpoint: c, Note: []byte(e.Note)}, nil
		}
	}
	return l.Sign(p, size)
}

// ProveInclusion returns the proof that the entry at position is in the log of size entries (0:
// the last published checkpoint's size, or the read models' if none is).
func (l *Log) ProveInclusion(ctx context.Context, p *projections.Projection, position, size uint64) (provenance.InclusionProof, error) {
	if size == 0 {
		size = p.Checkpoint()
		if e, err := l.Latest(ctx); err == nil && e != nil && uint64(e.Size) <= size && uint64(e.Size) >= position {
			size = uint64(e.Size)
		}
	}
	if err := checkProofSize(p, size); err != nil {
		return provenance.InclusionProof{}, err
	}
	if position < 1 || position > size {
		return provenance.InclusionProof{}, domain.NotFound("there is no entry at position %d in the log of %d entries", position, size)
	}
	cp, err := l.signed(ctx, p, size)
	if err != nil {
		return provenance.InclusionProof{}, err
	}
	var proof provenance.InclusionProof
	err = p.Tree(func(t *bolt.Bucket) error {
		var err error
		proof, err = provenance.ProveInclusion(t, int64(position), cp)
		return err
	})
	return proof, err
}

// ProveEntry returns the proof that the entry at position, or the entry with the ID id when id
// is given, is in the log of size entries (ProveInclusion).
func (l *Log) ProveEntry(ctx context.Context, p *projections.Projection, position uint64, id string, size uint64) (provenance.InclusionProof, error) {
	if id != "" {
		pos, err := p.PositionOf(id)
		if err == nil && pos == 0 {
			err = domain.NotFound("there is no entry %s in the log", id)
		}
		if err != nil {
			return provenance.InclusionProof{}, err
		}
		position = pos
	}
	return l.ProveInclusion(ctx, p, position, size)
}

// ProveConsistency returns the proof that the log of from entries is a prefix of the log of to
// entries (0: the read models' size).
func (l *Log) ProveConsistency(ctx context.Context, p *projections.Projection, from, to uint64) (provenance.ConsistencyProof, error) {
	if to == 0 {
		to = p.Checkpoint()
	}
	if err := checkProofSize(p, to); err != nil {
		return provenance.ConsistencyProof{}, err
	}
	if from < 1 || from > to {
		return provenance.ConsistencyProof{}, domain.Invalid("from", "a consistency proof goes from a log of 1 entry or more to one at least as large, not from %d entries to %d", from, to)
	}
	oldCP, err := l.signed(ctx, p, from)
	if err != nil {
		return provenance.ConsistencyProof{}, err
	}
	newCP, err := l.signed(ctx, p, to)
	if err != nil {
		return provenance.ConsistencyProof{}, err
	}
	var proof provenance.ConsistencyProof
	err = p.Tree(func(t *bolt.Bucket) error {
		var err error
		proof, err = provenance.ProveConsistency(t, oldCP, newCP)
		return err
	})
	return proof, err
}

// checkProofSize refuses a size the read models' tree does not reach.
func checkProofSize(p *projections.Projection, size uint64) error {
	n, err := p.TreeSize()
	if err != nil {
		return err
	}
	if size > n || n == 0 {
		return domain.NotFound("the log's Merkle tree holds %d entries, not %d: ask for a size the ledger has read", n, size)
	}
	return nil
}

// ReportHistory says which history a reconciliation read — the log as known at filing and now —
// and proves that the report's checkpoint is consistent with the log now: the log the report was
// filed against is a prefix of today's.
type ReportHistory struct {
	AtFiling Provenance `json:"at_filing"`
	Now      Provenance `json:"now"`
	// ReportCheckpoint is the checkpoint of the report: the first published at or after its
	// filing entry (serve publishes one as soon as a report is filed), or else one of the log as
	// known at filing, signed now.
	ReportCheckpoint string `json:"report_checkpoint,omitempty"`
	// Consistency proves the report's checkpoint a prefix of the log now; Consistent says that
	// the proof verifies with the log's key (ocopledger verify --proof checks it again offline).
	Consistency *provenance.ConsistencyProof `json:"consistency,omitempty"`
	Consistent  bool                         `json:"consistent"`
}

// ForReport returns the history of a reconciliation of a report filed at position filedAt, read
// at positions atFiling and now. Without a key (nil l) only the provenances are given.
func (l *Log) ForReport(ctx context.Context, p *projections.Projection, filedAt, atFiling, now uint64) (ReportHistory, error) {
	h := ReportHistory{AtFiling: l.ProvenanceOf(ctx, p, atFiling), Now: l.ProvenanceOf(ctx, p, now)}
	if l == nil || l.key == nil || now == 0 {
		return h, nil
	}
	from := atFiling
	if e, err := l.AtOrAfter(ctx, int64(filedAt)); err == nil && e != nil && uint64(e.Size) <= now {
		from = uint64(e.Size)
	}
	if from == 0 {
		return h, nil
	}
	proof, err := l.ProveConsistency(ctx, p, from, now)
	if err != nil {
		return h, err
	}
	h.ReportCheckpoint, h.Consistency = proof.OldCheckpoint, &proof
	_, _, err = provenance.VerifyConsistency(proof, note.VerifierList(l.key.Verifier))
	h.Consistent = err == nil
	return h, nil
}
