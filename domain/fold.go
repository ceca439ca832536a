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

// Inert reports whether folding e into any stream leaves what the stream contributes as it was:
// e records a fact that no figure counts — an expiry that the certificate's validity period
// already implies, the notice sent to its producer before it. A projection need not fold such
// an event in at once (package projections then does not read the stream's history back from
// its log): whoever folds the stream later takes it in. TestInertEventsLeaveContributions checks
// it on every generated history; a change to what apply does with these events must keep it so.
func Inert(e Event) bool {
	switch e.(type) {
	case OCOPExpired, OCOPExpiryNoticed, CNNTTBExpired:
		return true
	}
	return false
}

// Contributions returns what the stream contributes to the figures now.
func (f *Fold) Contributions() []Contribution { return f.agg.contributions() }
