package ledger_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

// leavesOf returns the leaf hashes of s's entries as stored, as a Merkle tree of its log holds
// them, in the form ledger.Scrub asks for, with extra more leaves after them; change, if set,
// changes them first (a tree that differs from the log where it changed them).
func leavesOf(t *testing.T, s *eventstore.Store, extra int, change func([][32]byte)) func(from uint64, count int) ([][32]byte, error) {
	t.Helper()
	var leaves [][32]byte
	if err := s.Read(t.Context(), 1, func(e eventstore.Envelope) error {
		leaves = append(leaves, ledger.LeafHash(e.Body))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	leaves = append(leaves, make([][32]byte, extra)...)
	if change != nil {
		change(leaves)
	}
	return func(from uint64, count int) ([][32]byte, error) {
		if from == 0 || from-1+uint64(count) > uint64(len(leaves)) {
			return nil, fmt.Errorf("no leaves %d+%d in a tree of %d", from, count, len(leaves))
		}
		return leaves[from-1 : from-1+uint64(count)], nil
	}
}

// Scrub reads the log again against the tree of what was recorded: a log as its tree holds it
// passes; where the stored bytes of an entry are not those the tree holds, its position is named;
// positions the tree holds and the store cannot give back (a log cut short) are named missing;
// entries after the tree's size are not its business.
func TestScrubNamesChangedAndMissingEntries(t *testing.T) {
	s := storetest.MustOpenStore(t)
	appendN(t, s, 0, 5000) // more than one batch of the scrub
	l := ledger.New(s, nil)

	var progressed uint64
	r, err := l.Scrub(t.Context(), 4990, leavesOf(t, s, 0, nil), func(done, total uint64) { progressed = done })
	if err != nil || r.Err() != nil || r.Checked != 4990 || len(r.Missing)+len(r.Changed) != 0 || progressed != 4990 {
		t.Fatalf("scrub of the log as recorded: checked %d, missing %v, changed %d, %v, %v, progress %d", r.Checked, r.Missing, len(r.Changed), err, r.Err(), progressed)
	}

	changed := leavesOf(t, s, 0, func(l [][32]byte) { l[2][0] ^= 1; l[4500][31] ^= 0x80 })
	r, err = l.Scrub(t.Context(), 5000, changed, nil)
	if err != nil || r.Checked != 4998 || !slices.Equal(r.Changed, []uint64{3, 4501}) || len(r.Missing) != 0 {
		t.Fatalf("scrub of a log whose entries 3 and 4501 are not as the tree holds them: checked %d, missing %v, changed %.10v, %v", r.Checked, r.Missing, r.Changed, err)
	}
	wantMismatch(t, r.Err(), "2 of its 5000 entries are not what was recorded, at positions 3, 4501:")

	r, err = l.Scrub(t.Context(), 5010, leavesOf(t, s, 10, nil), nil)
	if err != nil || r.Checked != 5000 || len(r.Changed) != 0 || !slices.Equal(r.Missing, []eventstore.GapError{{From: 5001, To: 5010}}) {
		t.Fatalf("scrub of a log cut short: checked %d, missing %v, changed %.10v, %v", r.Checked, r.Missing, r.Changed, err)
	}
	wantMismatch(t, r.Err(), "10 of its 5010 entries are missing, at positions 5001–5010:", "export --salvage")
}
