package projections

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// The attributes of rows: what explain and expiring print of each item (name, producer,
// decision, address, stars…), kept as the writer derived them, so that a page of explain or the
// certificates expiring read them back instead of folding each record's history again.
//
//	attrs  seq>>logPageBits → a page of entries, as the log's (see logPageHeader): at position
//	       seq, the distinct attributes of the rows the entry at seq opened, each as
//	       uvarint(len) and the attributes (appendAttrs)
//
// A row names its attributes by its known-from position (the entry that opened it) and its
// number among that entry's (row.attrNo): rows never change once written, nor do their
// attributes, so "known at K" reads exactly what the ledger held then. A row's attributes are
// those domain.Contributions gave it when its entry was applied, which attrsOf derives again
// from the log; ExplainRows and ExpiringRows still do, for the comparison.

// appendAttrs appends a's encoding: uvarint(flags), the IDs of its place and tags among the
// facets the deltas name (facetTables: interned once, shared by every row and delta), and the
// strings that name the item alone, each length-prefixed.
func appendAttrs(b []byte, a domain.Attrs, place, tags uint32) []byte {
	var flags uint64
	if a.Potential5 {
		flags |= 1
	}
	if a.Synthetic {
		flags |= 2
	}
	b = binary.AppendUvarint(b, flags)
	b = binary.AppendUvarint(b, uint64(place))
	b = binary.AppendUvarint(b, uint64(tags))
	return appendStrings(b, a.Name, a.Producer, a.Decision, a.Address.Detail)
}

var errMalformedAttrs = fmt.Errorf("projections: malformed attributes of a row: run ocopledger rebuild")

// facetView is the places and tags of the facet tables as a reader took them: they only grow, so
// the IDs of every row known at the reader's position are in it.
type facetView struct {
	places []domain.Address
	tags   []domain.Attrs
}

// facetView takes the facets' tables as they are now.
func (p *Projection) facetView() facetView {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return facetView{p.facets.places, p.facets.tags}
}

// decodeAttrs decodes what appendAttrs wrote, with the places and tags of fv.
func decodeAttrs(b []byte, fv facetView) (domain.Attrs, error) {
	var x [3]uint64
	for i := range x {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			return domain.Attrs{}, errMalformedAttrs
		}
		x[i], b = v, b[k:]
	}
	flags, place, tags := x[0], x[1], x[2]
	if flags > 3 || place == 0 || place > uint64(len(fv.places)) || tags == 0 || tags > uint64(len(fv.tags)) {
		return domain.Attrs{}, errMalformedAttrs
	}
	a := fv.tags[tags-1]
	a.Address = fv.places[place-1]
	a.Potential5, a.Synthetic = flags&1 != 0, flags&2 != 0
	for _, s := range []*string{&a.Name, &a.Producer, &a.Decision, &a.Address.Detail} {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return domain.Attrs{}, errMalformedAttrs
		}
		if n > 0 {
			*s = string(b[k : k+int(n)])
		}
		b = b[k+int(n):]
	}
	if len(b) != 0 {
		return domain.Attrs{}, errMalformedAttrs
	}
	return a, nil
}

// attrsOfEntry gathers the distinct attributes of the rows one entry opens, numbering them in
// the order they first come.
type attrsOfEntry struct {
	distinct []domain.Attrs
	buf      []byte
}

// number returns a's number among the entry's attributes, adding it when new.
func (e *attrsOfEntry) number(a domain.Attrs) uint64 {
	for i := range e.distinct {
		if e.distinct[i] == a {
			return uint64(i)
		}
	}
	e.distinct = append(e.distinct, a)
	return uint64(len(e.distinct) - 1)
}

// encode returns the entry's record (valid until the next encode), with the place and tags IDs
// facet gives, and starts a new entry.
func (e *attrsOfEntry) encode(facet func(domain.Attrs) (place, tags uint32)) []byte {
	e.buf = e.buf[:0]
	var one []byte
	for _, a := range e.distinct {
		place, tags := facet(a)
		one = appendAttrs(one[:0], a, place, tags)
		e.buf = binary.AppendUvarint(e.buf, uint64(len(one)))
		e.buf = append(e.buf, one...)
	}
	e.distinct = e.distinct[:0]
	return e.buf
}

// attrsReader reads the kept attributes of rows in one read transaction.
type attrsReader struct {
	c         *bolt.Cursor
	fv        facetView
	key, page []byte // the page read last: rows opened close together share one
}

// of returns the attributes of a row.
func (ar *attrsReader) of(r *row) (domain.Attrs, error) {
	if k := logPageKey(r.KnownFrom); !bytes.Equal(k, ar.key) {
		found, v := ar.c.Seek(k)
		if !bytes.Equal(found, k) {
			v = nil
		}
		ar.key, ar.page = k, v
	}
	rec := logPageEntry(ar.page, r.KnownFrom)
	for i := uint64(0); len(rec) > 0; i++ {
		n, k := binary.Uvarint(rec)
		if k <= 0 || uint64(len(rec)-k) < n {
			break
		}
		if i == r.attrNo {
			return decodeAttrs(rec[k:k+int(n)], ar.fv)
		}
		rec = rec[k+int(n):]
	}
	return domain.Attrs{}, fmt.Errorf("projections: the attributes of row %s of %s (item %s) are missing: the read models are out of date; run ocopledger rebuild", r.EventID, r.Figure, r.Item)
}

// keptAttrs fills in the attributes of rows from the attrs bucket.
func (p *Projection) keptAttrs(tx *bolt.Tx, rows []row) error {
	ar := &attrsReader{c: tx.Bucket(bAttrs).Cursor(), fv: p.facetView()}
	for i := range rows {
		a, err := ar.of(&rows[i])
		if err != nil {
			return err
		}
		rows[i].Attrs = a
	}
	return nil
}

// eventRefs reads the references of a stream's events up to a position from the stream's index
// and the log's records, without decoding their payloads; it keeps the last stream's.
type eventRefs struct {
	streams   *bolt.Bucket
	log       *bolt.Cursor
	key, page []byte
	stream    string
	refs      []EventRef
}

func newEventRefs(tx *bolt.Tx) *eventRefs {
	return &eventRefs{streams: tx.Bucket(bStreams), log: tx.Bucket(bLog).Cursor()}
}

// upTo returns the references of the events of stream at positions up to s, in log order (nil
// for none). The slice is shared by the calls for the same stream.
func (er *eventRefs) upTo(stream string, s uint64) ([]EventRef, error) {
	if stream == er.stream && er.stream != "" {
		return er.refs, nil
	}
	v := er.streams.Get([]byte(stream))
	if v == nil {
		return nil, fmt.Errorf("projections: stream %s is missing: the read models are out of date; run ocopledger rebuild", stream)
	}
	idx, err := decodeStreamIndex(v)
	if err != nil {
		return nil, err
	}
	var refs []EventRef
	for _, q := range idx.seqs {
		if q > s {
			break
		}
		if k := logPageKey(q); !bytes.Equal(k, er.key) {
			found, v := er.log.Seek(k)
			if !bytes.Equal(found, k) {
				v = nil
			}
			er.key, er.page = k, v
		}
		e := decodeLog(q, logPageEntry(er.page, q))
		if e.ID == "" {
			return nil, fmt.Errorf("projections: the read models have no entry at log position %d; run ocopledger rebuild", q)
		}
		refs = append(refs, e.ref())
	}
	er.stream, er.refs = stream, refs
	return refs, nil
}
