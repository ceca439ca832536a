package projections

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	bolt "go.etcd.io/bbolt"
)

// Quarantined is an entry of the log that the read models do not fold: a stored message that
// is not an event, an event of a type or schema version this build does not know, a payload
// that does not decode or breaks a rule, or an event whose fold into its record failed. Which
// entries are quarantined depends on the log and the code only, so every instance and every
// rebuild skips the same ones and folds the rest of each record without them. The entry stays
// in the log (nothing is deleted); the read models name it until an admin acknowledges it, and
// still after, flagged.
type Quarantined struct {
	Position uint64 `json:"position"`       // its log position
	Subject  string `json:"subject"`        // the NATS subject it is stored on
	Stream   string `json:"stream"`         // the record it was stored in
	ID       string `json:"id,omitempty"`   // its entry ID, if it has one
	Type     string `json:"type,omitempty"` // its event type, if it names one
	Reason   string `json:"reason"`         // why it is not folded, in English
	ReasonVI string `json:"reason_vi"`      // the same in Vietnamese
	// Judge names the code that judged it (see Judge): a build with another judge examines the
	// entry again.
	Judge        string           `json:"judge"`
	Acknowledged *Acknowledgement `json:"acknowledged,omitempty"`
}

// Acknowledgement is the correction (domain.QuarantineAcknowledged) by which an admin took note
// of a quarantined entry.
type Acknowledgement struct {
	Position   uint64    `json:"position"` // the log position of the correction
	ID         string    `json:"id"`
	Actor      string    `json:"actor,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
	ReasonSeen string    `json:"reason_seen"`
	Note       string    `json:"note,omitempty"`
}

// ReasonIn returns the reason in lang ("vi" or English).
func (q Quarantined) ReasonIn(lang string) string {
	if lang == "vi" && q.ReasonVI != "" {
		return q.ReasonVI
	}
	return q.Reason
}

// Judge names the code that decides what the read models quarantine: the projectors' version
// and the catalogue of event types this build knows.
func Judge() string {
	return fmt.Sprintf("projections %d, events %s", Version, catalogueVersion())
}

// catalogueVersion is domain.CatalogueVersion; tests play an older build with it.
var catalogueVersion = domain.CatalogueVersion

// Quarantined lists the quarantined entries of the log applied so far, by position.
func (p *Projection) Quarantined() []Quarantined {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return cloneQuarantined(p.quarantine)
}

// QuarantinedAt lists the quarantined entries the ledger knew at k (zero: all applied so far):
// the warnings of an answer as known at k.
func (p *Projection) QuarantinedAt(k time.Time) []Quarantined {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.quarantinedUpTo(p.idx.position(k))
}

// Unacknowledged counts the quarantined entries no admin has acknowledged yet.
func (p *Projection) Unacknowledged() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	n := 0
	for _, q := range p.quarantine {
		if q.Acknowledged == nil {
			n++
		}
	}
	return n
}

// quarantinedUpTo returns the quarantined entries at positions up to s (p.mu held): the entries
// a figure answered as known at s leaves out.
func (p *Projection) quarantinedUpTo(s uint64) []Quarantined {
	n := sort.Search(len(p.quarantine), func(i int) bool { return p.quarantine[i].Position > s })
	if n == 0 {
		return nil
	}
	return cloneQuarantined(p.quarantine[:n])
}

func cloneQuarantined(qs []Quarantined) []Quarantined {
	if len(qs) == 0 {
		return nil
	}
	out := make([]Quarantined, len(qs))
	for i, q := range qs {
		if q.Acknowledged != nil {
			a := *q.Acknowledged
			q.Acknowledged = &a
		}
		out[i] = q
	}
	return out
}

// quarantineOf describes the entry r quarantined for err.
func quarantineOf(r domain.Recorded, err error) Quarantined {
	return Quarantined{Position: r.Sequence, Subject: eventstore.SubjectPrefix + r.Stream, Stream: r.Stream, ID: r.ID, Type: r.Type,
		Reason: i18n.Localize(err, "en"), ReasonVI: i18n.Localize(err, "vi"), Judge: Judge()}
}

// unfoldable is why an entry without an event (Event nil) is not folded.
func unfoldable(r domain.Recorded) error {
	if r.Unreadable != nil {
		return r.Unreadable
	}
	return domain.Invalid("type", "%q is not an event type this build knows; upgrade ocopledger", r.Type)
}

// foldFailed is why an entry whose fold into its record panicked (or that has no binary form)
// is not folded.
func foldFailed(v any) error {
	return domain.Internal("folding this entry into its record failed (%v); it is left out of the figures", v)
}

// quarantine sets r aside in the batch being written.
func (w *writer) quarantine(r domain.Recorded, err error) {
	q := quarantineOf(r, err)
	w.b.quarantine = append(w.b.quarantine, q)
	w.p.log.Warn("an entry of the log is quarantined: the read models leave it out and name it (ocopledger status)",
		"position", q.Position, "stream", q.Stream, "type", q.Type, "reason", q.Reason)
}

// acknowledge records an admin's acknowledgement of a quarantined position, if that position is
// quarantined (in the file or earlier in this batch); of another position it is only logged.
func (w *writer) acknowledge(r domain.Recorded, e domain.QuarantineAcknowledged) {
	a := &Acknowledgement{Position: r.Sequence, ID: r.ID, Actor: r.Actor, RecordedAt: r.RecordedAt, ReasonSeen: e.ReasonSeen, Note: e.Note}
	for i := range w.b.quarantine {
		if w.b.quarantine[i].Position == uint64(e.Position) {
			w.b.quarantine[i].Acknowledged = a
			return
		}
	}
	w.p.mu.RLock()
	pos := uint64(e.Position)
	i := sort.Search(len(w.p.quarantine), func(i int) bool { return w.p.quarantine[i].Position >= pos })
	found := i < len(w.p.quarantine) && w.p.quarantine[i].Position == pos
	var q Quarantined
	if found {
		q = w.p.quarantine[i]
	}
	w.p.mu.RUnlock()
	if !found {
		w.p.log.Warn("an acknowledgement names a log position that is not quarantined", "position", e.Position, "entry", r.ID)
		return
	}
	q.Acknowledged = a
	w.b.acked = append(w.b.acked, q)
}

// putQuarantine writes the batch's quarantined and acknowledged entries into bbolt.
func putQuarantine(tx *bolt.Tx, b *batch) error {
	bk := tx.Bucket(bQuarantine)
	for _, qs := range [][]Quarantined{b.quarantine, b.acked} {
		for _, q := range qs {
			v, err := json.Marshal(q)
			if err != nil {
				return err
			}
			if err := bk.Put(u64(q.Position), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// addQuarantine takes the batch's quarantined and acknowledged entries into memory (p.mu held).
func (p *Projection) addQuarantine(b *batch) {
	p.quarantine = append(p.quarantine, b.quarantine...)
	for _, q := range b.acked {
		i := sort.Search(len(p.quarantine), func(i int) bool { return p.quarantine[i].Position >= q.Position })
		if i < len(p.quarantine) && p.quarantine[i].Position == q.Position {
			p.quarantine[i] = q
		}
	}
}

// loadQuarantine reads the quarantined entries from bbolt.
func loadQuarantine(tx *bolt.Tx) ([]Quarantined, error) {
	var out []Quarantined
	err := tx.Bucket(bQuarantine).ForEach(func(k, v []byte) error {
		var q Quarantined
		if err := json.Unmarshal(v, &q); err != nil {
			return fmt.Errorf("quarantined entry %d: %w", getU64(k), err)
		}
		out = append(out, q)
		return nil
	})
	return out, err
}

// staleJudge returns the judge of a quarantined entry judged by other code than this build's
// (and how many were), or "" if none: those entries are examined again by a rebuild.
func staleJudge(tx *bolt.Tx) (judge string, n int) {
	now := Judge()
	_ = tx.Bucket(bQuarantine).ForEach(func(_, v []byte) error {
		var q Quarantined
		if json.Unmarshal(v, &q) != nil || q.Judge != now {
			if judge == "" {
				judge = q.Judge
			}
			n++
		}
		return nil
	})
	return judge, n
}
