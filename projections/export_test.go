package projections

import (
	"encoding/json"

	"github.com/ocopledger/ocopledger/domain"
)

// set sets *v to x for a test and returns the function that restores it.
func set[T any](v *T, x T) (restore func()) {
	old := *v
	*v = x
	return func() { *v = old }
}

// SetCacheMax sets the size of each generation of the stream cache for a test and returns the
// function that restores it.
func SetCacheMax(n int) (restore func()) { return set(&cacheMax, n) }

// SetBulkMin sets the size of a log from which a rebuild keeps stream indexes in memory, for a
// test, and returns the function that restores it.
func SetBulkMin(n int) (restore func()) { return set(&bulkMin, uint64(n)) }

// SetBulkSpill sets how many bytes each part of a rebuild's bulk holds before it is written
// into its bucket, for a test, and returns the function that restores it.
func SetBulkSpill(n int) (restore func()) { return set(&bulkSpill, n) }

// SetSnapshotEvery sets how many deltas the index takes between two snapshots, for a test, and
// returns the function that restores it.
func SetSnapshotEvery(n int) (restore func()) { return set(&snapshotEvery, n) }

// SetReleaseAbove sets the resident memory above which a catch-up releases the mapped file (0:
// at each request), for a test, and returns the function that restores it.
func SetReleaseAbove(n int64) (restore func()) { return set(&releaseAbove, n) }

// SetFailApply makes the transaction that applies an entry fail refuses fail, for a test, and
// returns the function that restores it.
func SetFailApply(fail func(domain.Recorded) error) (restore func()) { return set(&failApply, fail) }

// SetFoldPanics makes the fold of the entries panics names panic, for a test, and returns the
// function that restores it.
func SetFoldPanics(panics func(domain.Recorded) bool) (restore func()) {
	return set(&foldPanics, panics)
}

// SetCatalogueVersion makes the read models judge entries as a build whose catalogue is v, for a
// test, and returns the function that restores it.
func SetCatalogueVersion(v string) (restore func()) {
	return set(&catalogueVersion, func() string { return v })
}

// The read models' cache encoding of event payloads, for the tests of its format.
var (
	AppendBinary = appendBinary
	DecodeBinary = decodeBinary
)

// AppendJSONFormat appends the cache encoding of e in its JSON form, the one of a type without a
// codec.
func AppendJSONFormat(b []byte, e domain.Event) ([]byte, error) {
	j, err := json.Marshal(e)
	return append(append(b, jsonFormat), j...), err
}

// SetSeriesStale sets how many deltas a breakdown index reads one by one before it sums them
// again, for a test, and returns the function that restores it.
func SetSeriesStale(n int) (restore func()) { return set(&seriesStale, n) }

// SetPastBlock sets how many deltas a block of the past sums holds and the memory a valuation's
// sums may take, for a test, and returns the function that restores them.
func SetPastBlock(n, budget int) (restore func()) {
	r1, r2 := set(&pastBlock, n), set(&pastBudget, budget)
	return func() { r1(); r2() }
}

// DimensionReads is dimensionReads, for a test.
var DimensionReads = dimensionReads
