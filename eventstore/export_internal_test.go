package eventstore

import "time"

// The tests wait less for a read that stalls before they ask the store what is left to come
// (see positions.watch): the answer is the same, only sooner.
func init() {
	stallCheck, stallCheckFollow = 100*time.Millisecond, 200*time.Millisecond
}
