package domain

// Fold is the state of one stream fed event by event: what a projection keeps per record to derive
// its contributions without replaying the record's history on every event. It gives the same
// contributions as Contributions(Effective(history)).
//
// A correction cannot be folded in incrementally (it reaches back into the history), so Apply
// refuses it; fold the corrected history again with Refold.
type Fold struct {
	agg aggregate
}

// NewFold returns the fold of an empty stream.
func NewFold(stream string) *Fold { return &Fold{agg: newAggregate(stream)} }

// Refold folds a stream's whole history, corrections applied.
func Refold(stream string, history []Recorded) *Fold {
	f := NewFold(stream)
	for _, r := range Effective(history) {
		f.agg.apply(r)
	}
	return f
}

// Apply folds in the next event of the stream and reports true; for a correction it changes
// nothing and reports false (use Refold). Events of a type this build does not know are skipped,
// as Effective skips them.
func (f *Fold) Apply(r Recorded) bool {
	switch r.Event.(type) {
	case EventRetracted, EventAmended:
		return false
	case nil:
		return true
	}
	f.agg.apply(r)
	return true
}

// Contributions returns what the stream contributes to the figures now.
func (f *Fold) Contributions() []Contribution { return f.agg.contributions() }
