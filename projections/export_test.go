package projections

// SetCacheMax sets the size of each generation of the stream cache for a test and returns the
// function that restores it.
func SetCacheMax(n int) (restore func()) {
	old := cacheMax
	cacheMax = n
	return func() { cacheMax = old }
}

// SetBulkMin sets the size of a log from which a rebuild keeps stream indexes in memory, for a
// test, and returns the function that restores it.
func SetBulkMin(n int) (restore func()) {
	old := bulkMin
	bulkMin = uint64(n)
	return func() { bulkMin = old }
}

// SetSnapshotEvery sets how many deltas the index takes between two snapshots, for a test, and
// returns the function that restores it.
func SetSnapshotEvery(n int) (restore func()) {
	old := snapshotEvery
	snapshotEvery = n
	return func() { snapshotEvery = old }
}

// SetReleaseAbove sets the resident memory above which a catch-up releases the mapped file (0:
// at each request), for a test, and returns the function that restores it.
func SetReleaseAbove(n int64) (restore func()) {
	old := releaseAbove
	releaseAbove = n
	return func() { releaseAbove = old }
}
