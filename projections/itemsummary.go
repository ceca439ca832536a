package projections

import (
	"bytes"
	"math"
	"sort"
	"sync"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// Explain's pages as known at a past position walk the index of counted items in the order of
// the items, and most items of a figure may not count then: not yet known (a position early in
// the log) or covering other days (a date years from the position). An item summary keeps in
// memory, for each item of a figure, each of its rows' first position known and the days it
// covers: a walk at a past position skips the items none of whose rows known then covers the
// day, without reading them, and reads the others' rows as before (which also say until when
// each row was held true, and which one domain.Counts picks). A summary holds every row known at the position it was built at (later rows
// are known later), so it serves the questions known up to that position only; the others walk
// every item, and a summary left behind by the log is built again.

// itemSummaries are the summaries of the figures asked about, built when first needed.
type itemSummaries struct {
	mu    sync.Mutex
	byFig map[uint8]*itemSummary
}

type itemSummary struct {
	upto  uint64   // the rows known at this position are all summed up
	keys  []byte   // the items' IDs, in order, end to end
	ends  []uint32 // where each item's ID ends in keys
	rows  []uint32 // where each item's rows end in kf, from and until
	kf    []uint32 // each row's first position known (the index's positions are 32 bits)
	from  []domain.Date
	until []domain.Date // the days it covers: [from, until)
}

// possible reports whether a row of item i known at s covers day d.
func (sm *itemSummary) possible(i int, s uint64, d domain.Date) bool {
	a := uint32(0)
	if i > 0 {
		a = sm.rows[i-1]
	}
	for j := a; j < sm.rows[i]; j++ {
		if uint64(sm.kf[j]) <= s && sm.from[j] <= d && d < sm.until[j] {
			return true
		}
	}
	return false
}

func (sm *itemSummary) item(i int) []byte {
	a := uint32(0)
	if i > 0 {
		a = sm.ends[i-1]
	}
	return sm.keys[a:sm.ends[i]]
}

// summaryFor returns the item summary of figure fig that serves questions known at s, built (in
// tx, whose checkpoint is ckpt) if there is none or the log has moved on by more than a
// sixteenth since; nil when the question is known later than the summary (the caller walks every
// item).
func (x *index) summaryFor(tx *bolt.Tx, fig uint8, s, ckpt uint64) (*itemSummary, error) {
	x.items.mu.Lock()
	defer x.items.mu.Unlock()
	sm := x.items.byFig[fig]
	if sm == nil || s > sm.upto && ckpt-sm.upto > ckpt/16 {
		var err error
		if sm, err = buildItemSummary(tx, fig, ckpt); err != nil {
			return nil, err
		}
		if x.items.byFig == nil {
			x.items.byFig = map[uint8]*itemSummary{}
		}
		x.items.byFig[fig] = sm
	}
	if s > sm.upto {
		return nil, nil
	}
	return sm, nil
}

// buildItemSummary sums up the rows of figure fig in the index of items.
func buildItemSummary(tx *bolt.Tx, fig uint8, ckpt uint64) (*itemSummary, error) {
	sm := &itemSummary{upto: ckpt}
	var es []ixEntry
	c := tx.Bucket(bByItem).Cursor()
	for k, v := c.Seek([]byte{fig}); k != nil && k[0] == fig; k, v = c.Next() {
		var err error
		if es, err = decodeIxEntries(es[:0], v); err != nil {
			return nil, err
		}
		for _, e := range es {
			sm.kf, sm.from, sm.until = append(sm.kf, uint32(min(e.kf, math.MaxUint32))), append(sm.from, e.from), append(sm.until, e.until)
		}
		sm.keys = append(sm.keys, k[1:]...)
		sm.ends = append(sm.ends, uint32(len(sm.keys)))
		sm.rows = append(sm.rows, uint32(len(sm.kf)))
	}
	return sm, nil
}

// countedAfterSummed is countedAfter reading only the items the summary leaves possible.
func (ix *itemIndex) countedAfterSummed(sm *itemSummary, f domain.Figure, q domain.Query, s uint64, after string, first bool, limit int) (rows []row, more bool, err error) {
	fig := figIdx(f.ID)
	n := len(sm.ends)
	i := sort.Search(n, func(i int) bool { return bytes.Compare(sm.item(i), []byte(after)) >= 0 })
	key := []byte{fig}
	for ; i < n; i++ {
		if !sm.possible(i, s, q.AsOf) {
			continue // no row of the item known at s covers the day
		}
		item := sm.item(i)
		if !first && string(item) == after {
			continue
		}
		key = append(key[:1], item...)
		if rows, more, err = ix.appendCounting(rows, limit, fig, f.Kind, ix.byItem.Get(key), q, s); err != nil || more {
			return rows, more, err
		}
	}
	return rows, false, nil
}
