package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// LeafHash is the leaf hash of a stored body in the log's Merkle tree (RFC 6962: SHA-256 of
// 0x00 and the body).
func LeafHash(body []byte) [32]byte { return tlog.RecordHash(body) }

// CheckHistory returns nil if the log extends the history known: the same stream (when known
// records its creation), no position missing, at least known.Size entries, and the entry at
// known.Size hashing to known.Leaf (when recorded). Otherwise it returns a CodeHistory error
// naming what differs and who knows the history.
func (l *Ledger) CheckHistory(ctx context.Context, known domain.KnownHistory) error {
	st, err := l.store.State(ctx)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		if known.Size == 0 && known.Created.IsZero() {
			return err // nothing was known of it
		}
		return domain.HistoryMismatch("the log (stream %s) is missing from %s, but %s shows %d entries of it: ocopledger stops rather than start an empty ledger in its place; restore the stream from a backup (ocopledger restore), or start a new ledger on purpose with --new-ledger",
			l.store.StreamName(), l.store.Where(), known.By.Label(), known.Size)
	}
	if err != nil {
		return err
	}
	return CompareHistory(known, st, func(seq uint64) ([]byte, error) { return l.store.BodyAt(ctx, seq) })
}

// CompareHistory is CheckHistory on a state already read; body reads the stored body at a
// position.
func CompareHistory(known domain.KnownHistory, st eventstore.LogState, body func(seq uint64) ([]byte, error)) error {
	if known.Size == 0 {
		return nil
	}
	if !known.Created.IsZero() && !known.Created.Equal(st.Created) {
		return domain.HistoryMismatch("the log (stream %s on %s) was created at %s, but %s shows %d entries of a stream %s created at %s: the log was deleted and created again; restore it from a backup, or start a new ledger on purpose with --new-ledger",
			st.Stream, st.Where, st.Created.Format("2006-01-02 15:04:05.000 UTC"), known.By.Label(), known.Size, known.Stream, known.Created.UTC().Format("2006-01-02 15:04:05.000 UTC"))
	}
	if st.Last < known.Size {
		return domain.HistoryMismatch("the log (stream %s on %s) holds %d entries, but %s shows %d: entries %d to %d are gone; restore the stream from a backup",
			st.Stream, st.Where, st.Last, known.By.Label(), known.Size, st.Last+1, known.Size)
	}
	if st.First > 1 {
		return domain.HistoryMismatch("the log (stream %s on %s) starts at position %d: entries 1 to %d are gone; restore the stream from a backup",
			st.Stream, st.Where, st.First, st.First-1)
	}
	if st.MissingCount > 0 {
		return domain.HistoryMismatch("the log (stream %s on %s) lacks %d entries inside it, at positions %s: restore the stream from a backup",
			st.Stream, st.Where, st.MissingCount, positions(st.Missing, st.MissingCount))
	}
	if len(known.Leaf) == 0 {
		return nil
	}
	b, err := body(known.Size)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return domain.HistoryMismatch("the log (stream %s on %s) has no entry at position %d, which %s shows: restore the stream from a backup",
			st.Stream, st.Where, known.Size, known.By.Label())
	}
	if err != nil {
		return err
	}
	if h := LeafHash(b); !bytes.Equal(h[:], known.Leaf) {
		return domain.HistoryMismatch("the entry at position %d of the log (stream %s on %s) is not the one %s shows (its hash differs): the log was changed or replaced; restore it from a backup",
			known.Size, st.Stream, st.Where, known.By.Label())
	}
	return nil
}

// positions lists the first missing positions, and how many more there are.
func positions(seqs []uint64, count int) string {
	var b strings.Builder
	for i, s := range seqs {
		if i == 10 {
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, s)
	}
	if more := count - min(len(seqs), 10); more > 0 {
		fmt.Fprintf(&b, " (+%d)", more)
	}
	return b.String()
}
