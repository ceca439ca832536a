package projections

// SetCacheMax sets the size of each generation of the stream cache for a test and returns the
// function that restores it.
func SetCacheMax(n int) (restore func()) {
	old := cacheMax
	cacheMax = n
	return func() { cacheMax = old }
}
