package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// ScrubReport is what reading the log again found, entry by entry, against the leaf hashes of
// the log's Merkle tree that the read models hold.
type ScrubReport struct {
	Size    uint64                `json:"size"`    // the entries the tree holds, all of which were looked for
	Checked uint64                `json:"checked"` // entries read and found as the tree holds them
	Missing []eventstore.GapError `json:"missing"` // positions the store cannot give back
	Changed []uint64              `json:"changed"` // positions whose stored bytes are not those the tree holds
}

// Err is nil when every entry was read back as the tree holds it; otherwise a history mismatch
// (exit code 6) naming the positions.
func (r ScrubReport) Err() error {
	if len(r.Missing) == 0 && len(r.Changed) == 0 {
		return nil
	}
	var missing, changed []string
	var nMissing uint64
	for _, g := range r.Missing {
		nMissing += g.Count()
		missing = append(missing, Positions(g))
	}
	for _, p := range r.Changed {
		changed = append(changed, fmt.Sprint(p))
	}
	const most = 20
	list := func(s []string) string {
		if len(s) > most {
			return strings.Join(s[:most], ", ") + fmt.Sprintf(", … (+%d)", len(s)-most)
		}
		return strings.Join(s, ", ")
	}
	switch {
	case len(r.Changed) == 0:
		return domain.HistoryMismatch("reading the log again, %d of its %d entries are missing, at positions %s: the store cannot read them (a damaged or deleted message, or a log cut short); ocopledger export --salvage saves every entry that can still be read, then restore it",
			nMissing, r.Size, list(missing))
	case len(r.Missing) == 0:
		return domain.HistoryMismatch("reading the log again, %d of its %d entries are not what was recorded, at positions %s: their stored bytes differ from those the log's Merkle tree holds; restore the log from a backup",
			len(r.Changed), r.Size, list(changed))
	}
	return domain.HistoryMismatch("reading the log again, %d of its %d entries are missing, at positions %s, and %d are not what was recorded, at positions %s; restore the log from a backup",
		nMissing, r.Size, list(missing), len(r.Changed), list(changed))
}

// scrubBatch is how many entries Scrub compares with the tree at a time.
const scrubBatch = 4096

// errScrubDone ends a scrub's read at the tree's size.
var errScrubDone = errors.New("ledger: scrub done")

// Scrub reads the log's first n entries again as stored, going on past any the store cannot give
// back, and compares each entry's leaf hash with the tree's: leaves(from, count) returns the
// leaf hashes the read models' Merkle tree holds for positions from…from+count−1. No entry of the
// log changes or vanishes unnoticed, even one the read models applied long ago. progress, if
// set, is called with the positions read.
func (l *Ledger) Scrub(ctx context.Context, n uint64, leaves func(from uint64, count int) ([][32]byte, error), progress func(done, total uint64)) (ScrubReport, error) {
	r := ScrubReport{Size: n}
	if n == 0 {
		return r, nil
	}
	// got holds the leaf hashes of consecutive entries from position first; a gap ends a batch.
	var first uint64
	got := make([][32]byte, 0, scrubBatch)
	compare := func() error {
		if len(got) == 0 {
			return nil
		}
		want, err := leaves(first, len(got))
		if err != nil {
			return err
		}
		for i := range got {
			if got[i] != want[i] {
				r.Changed = append(r.Changed, first+uint64(i))
			} else {
				r.Checked++
			}
		}
		if progress != nil {
			progress(first+uint64(len(got))-1, n)
		}
		got = got[:0]
		return nil
	}
	opts := eventstore.ReadOptions{From: 1, End: n, Missing: func(g *eventstore.GapError) error {
		if g.From > n {
			return nil
		}
		r.Missing = append(r.Missing, eventstore.GapError{From: g.From, To: min(g.To, n)})
		return compare()
	}}
	err := l.store.ReadWith(ctx, opts, func(e eventstore.Envelope) error {
		if e.Sequence > n {
			return errScrubDone
		}
		if len(got) == 0 {
			first = e.Sequence
		}
		if got = append(got, LeafHash(e.Body)); len(got) == scrubBatch {
			return compare()
		}
		return nil
	})
	if err != nil && !errors.Is(err, errScrubDone) {
		return r, err
	}
	return r, compare()
}
