package projections

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// The index of counted items: explain's pages and the expiring certificates read it instead of
// every row of a figure.
//
//	byitem    fig item → the item's rows of that figure, each as uvarint(row number)
//	          uvarint(known from) uvarint(known to, 0: still) varint(from) varint(until)
//	byexpiry  fig until(4) item → nothing: an item of a figure of certificates has a row ending
//	          on day until by expiry (until = Figure.Expires(from))
//
// Both clocks of every row are in its entry, so an item's entries say which of its rows the
// ledger held true at a position and which of those domain.Counts picks on a day: a page of
// explain at (as of D, known at K) is a cursor walk from the page's cursor that reads a few
// entries per item and the rows it lists only; expiring walks the days ahead of D.

// ixEntry is an item's row in the index: its number, the positions between which the ledger
// held it true, and the days it covers.
type ixEntry struct {
	id, kf, kt  uint64
	from, until domain.Date
}

func appendIxEntry(b []byte, e ixEntry) []byte {
	b = binary.AppendUvarint(b, e.id)
	b = binary.AppendUvarint(b, e.kf)
	b = binary.AppendUvarint(b, e.kt)
	b = binary.AppendVarint(b, int64(e.from))
	return binary.AppendVarint(b, int64(e.until))
}

// decodeIxEntries appends the entries of an item's index value to out.
func decodeIxEntries(out []ixEntry, v []byte) ([]ixEntry, error) {
	for len(v) > 0 {
		var e ixEntry
		var x [5]uint64
		for i := range x {
			var k int
			if i < 3 {
				x[i], k = binary.Uvarint(v)
			} else {
				var s int64
				s, k = binary.Varint(v)
				x[i] = uint64(s)
			}
			if k <= 0 {
				return out, fmt.Errorf("projections: malformed entry of the index of items")
			}
			v = v[k:]
		}
		e.id, e.kf, e.kt, e.from, e.until = x[0], x[1], x[2], domain.Date(int64(x[3])), domain.Date(int64(x[4]))
		out = append(out, e)
	}
	return out, nil
}

func ixKey(fig uint8, item string) []byte {
	b := make([]byte, 0, 1+len(item))
	return append(append(b, fig), item...)
}

// expiryKey orders the days as numbers: the sign bit flipped, big-endian.
func expiryKey(fig uint8, until domain.Date, item string) []byte {
	b := make([]byte, 5, 5+len(item))
	b[0] = fig
	binary.BigEndian.PutUint32(b[1:], uint32(until)^1<<31)
	return append(b, item...)
}

func expiryDay(k []byte) domain.Date {
	return domain.Date(int32(binary.BigEndian.Uint32(k[1:5]) ^ 1<<31))
}

// expires reports whether a row of figure fig ends by expiry: figures of certificates only.
func expires(fig uint8, from, until domain.Date) bool {
	f := figures[fig]
	return f.Expires != nil && until == f.Expires(from)
}

// ixAdd indexes a row opened at position kf (live path; a rebuild from zero writes the index at
// its end, see writeItemIndex).
func (w *writer) ixAdd(fig uint8, id, kf uint64, c domain.Contribution) error {
	key := ixKey(fig, c.Item)
	v := w.byItem.Get(key)
	nv := appendIxEntry(append(make([]byte, 0, len(v)+24), v...), ixEntry{id: id, kf: kf, from: c.From, until: c.Until})
	if err := w.byItem.Put(key, nv); err != nil {
		return err
	}
	if expires(fig, c.From, c.Until) {
		return w.byExpiry.Put(expiryKey(fig, c.Until, c.Item), nil)
	}
	return nil
}

// ixEnd records in the index that a row stopped being true at position kt.
func (w *writer) ixEnd(fig uint8, item string, id, kt uint64) error {
	key := ixKey(fig, item)
	es, err := decodeIxEntries(nil, w.byItem.Get(key))
	if err != nil {
		return err
	}
	var nv []byte
	found := false
	for _, e := range es {
		if e.id == id {
			e.kt, found = kt, true
		}
		nv = appendIxEntry(nv, e)
	}
	if !found {
		return fmt.Errorf("projections: row %d of %s (item %s) is not in the index of items: the read models are out of date; run ocopledger rebuild", id, figures[fig].ID, item)
	}
	return w.byItem.Put(key, nv)
}

// writeItemIndex writes the index of items at the end of a rebuild from zero, figure by figure,
// from the rows and their ends (both in the file), in key order. A figure's rows are held as their entries and their items one after the other in one
// buffer (no string and no Go pointer per row), and put in the order of their items by
// sortByName.
func (p *Projection) writeItemIndex(w *sortedWriter) error {
	var (
		es    []ixEntry // a figure's rows, by number
		at    []uint32  // where each row's item begins in items, and where the last ends
		items []byte
		keys  []uint64
		val   []byte
		hold  heldBytes
	)
	for fig := range figures {
		f := uint8(fig)
		es, at, items = es[:0], at[:0], items[:0]
		err := p.db.View(func(tx *bolt.Tx) error {
			ends := tx.Bucket(bEnds).Cursor()
			ek, ev := ends.Seek([]byte{f})
			return forRowPages(tx, f, func(id uint64, v []byte) error {
				for len(ek) == 9 && ek[0] == f && binary.BigEndian.Uint64(ek[1:]) < id {
					ek, ev = ends.Next()
				}
				var kt uint64
				if len(ek) == 9 && ek[0] == f && binary.BigEndian.Uint64(ek[1:]) == id {
					kt = getU64(ev)
				}
				kf, from, until, item, ok := rowHead(v)
				if !ok {
					return fmt.Errorf("projections: malformed row of %s", figures[f].ID)
				}
				es = append(es, ixEntry{id: id, kf: kf, kt: kt, from: from, until: until})
				at = append(at, uint32(len(items)))
				items = append(items, item...)
				return nil
			})
		})
		if err != nil {
			return err
		}
		at = append(at, uint32(len(items)))
		item := func(i uint32) []byte { return items[at[i]:at[i+1]] }
		// Rows come by number; the index wants them by item, each item's by number (the order
		// of es, which sortByName keeps among equal items).
		keys = keys[:0]
		for i := range es {
			keys = append(keys, uint64(i))
		}
		sortByName(keys, item)
		for i := 0; i < len(keys); {
			name := item(uint32(keys[i]))
			val = val[:0]
			j := i
			for ; j < len(keys) && bytes.Equal(item(uint32(keys[j])), name); j++ {
				val = appendIxEntry(val, es[uint32(keys[j])])
			}
			if err := w.put(bByItem, hold.key(f, name), hold.bytes(val)); err != nil {
				return err
			}
			i = j
		}
		if figures[f].Expires == nil {
			continue
		}
		// The days the certificates end by expiry, each key once, in key order.
		var exp []byte
		var expAt []uint32
		for _, k := range keys {
			if e := es[uint32(k)]; expires(f, e.from, e.until) {
				expAt = append(expAt, uint32(len(exp)))
				exp = append(exp, expiryKey(f, e.until, string(item(uint32(k))))...)
			}
		}
		expAt = append(expAt, uint32(len(exp)))
		key := func(i uint32) []byte { return exp[expAt[i]:expAt[i+1]] }
		keys = keys[:0]
		for i := range len(expAt) - 1 {
			keys = append(keys, uint64(i))
		}
		sortByName(keys, key)
		var last []byte
		for _, k := range keys {
			if kb := key(uint32(k)); last == nil || !bytes.Equal(kb, last) {
				if err := w.put(bByExpiry, kb, nil); err != nil {
					return err
				}
				last = kb
			}
		}
	}
	return nil
}

// heldBytes copies the keys and values a sortedWriter puts into buffers of its own, which bbolt
// may keep until the transaction commits: a few large allocations instead of two a key.
type heldBytes struct{ buf []byte }

func (h *heldBytes) bytes(b []byte) []byte {
	if cap(h.buf)-len(h.buf) < len(b) {
		h.buf = make([]byte, 0, max(64<<10, len(b)))
	}
	n := len(h.buf)
	h.buf = append(h.buf, b...)
	return h.buf[n:len(h.buf):len(h.buf)]
}

// key holds an index key of the items: the figure, then the item.
func (h *heldBytes) key(fig uint8, item []byte) []byte {
	if cap(h.buf)-len(h.buf) < 1+len(item) {
		h.buf = make([]byte, 0, max(64<<10, 1+len(item)))
	}
	n := len(h.buf)
	h.buf = append(append(h.buf, fig), item...)
	return h.buf[n:len(h.buf):len(h.buf)]
}

// sortByName sorts keys, whose low 32 bits name an entry, by the entry's name (name(entry)) as
// bytes.Compare orders them, and entries of the same name by their low 32 bits. A key's high 32
// bits are set to three bytes of the name, from some depth on, and how many bytes the name has
// from there (4 meaning more than 3), so that sorting the keys as integers orders names by those
// bytes, a name before the names it prefixes; a run of keys equal in their high bits, names
// going on past them, is sorted again on the next three bytes. Each name is read once per three
// bytes, rather than twice at each comparison, and no name is copied.
func sortByName(keys []uint64, name func(uint32) []byte) { sortByNameFrom(keys, name, 0) }

func sortByNameFrom(keys []uint64, name func(uint32) []byte, depth int) {
	for i, k := range keys {
		n := name(uint32(k))
		var h uint64
		for j := range 3 {
			h <<= 8
			if depth+j < len(n) {
				h |= uint64(n[depth+j])
			}
		}
		keys[i] = (h<<8|uint64(min(max(len(n)-depth, 0), 4)))<<32 | uint64(uint32(k))
	}
	slices.Sort(keys)
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j]>>32 == keys[i]>>32 {
			j++
		}
		if j-i > 1 && keys[i]>>32&0xff == 4 { // names equal so far that go on
			sortByNameFrom(keys[i:j], name, depth+3)
		}
		i = j
	}
}

// rowHead reads a row's known-from position, its days and its item without decoding the rest;
// item aliases v.
func rowHead(v []byte) (kf uint64, from, until domain.Date, item []byte, ok bool) {
	kf, k := binary.Uvarint(v)
	if k <= 0 {
		return
	}
	v = v[k:]
	f, k := binary.Varint(v)
	if k <= 0 {
		return
	}
	v = v[k:]
	u, k := binary.Varint(v)
	if k <= 0 {
		return
	}
	v = v[k:]
	n, k := binary.Uvarint(v)
	if k <= 0 || uint64(len(v)-k) < n {
		return
	}
	return kf, domain.Date(f), domain.Date(u), v[k : k+int(n)], true
}

// rowAt reads row id of figure fig.
func rowAt(tx *bolt.Tx, fig uint8, id uint64, kt uint64) (row, error) {
	page := tx.Bucket(bRows).Get(rowPageKey(fig, id))
	for len(page) > 0 {
		n, v, rest, ok := nextPageEntry(page)
		if !ok {
			break
		}
		if n == id {
			return decodeRow(figures[fig].ID, kt, v)
		}
		page = rest
	}
	return row{}, fmt.Errorf("projections: row %d of %s is missing: the read models are out of date; run ocopledger rebuild", id, figures[fig].ID)
}

// itemIndex reads the index of items in one read transaction.
type itemIndex struct {
	tx     *bolt.Tx
	byItem *bolt.Bucket
	buf    []ixEntry
}

func newItemIndex(tx *bolt.Tx) *itemIndex { return &itemIndex{tx: tx, byItem: tx.Bucket(bByItem)} }

// counting returns the row that makes an item count towards figure f for q as known at position
// s (v: the item's index value), as counted does: the contributions known at s, of which
// domain.Counts picks the one covering q.AsOf with the latest From, then the greatest event ID
// (the first row of those), and none for a flow figure when one covers the day before its period.
func (ix *itemIndex) counting(fig uint8, kind domain.FigureKind, v []byte, q domain.Query, s uint64) (row, bool, error) {
	es, err := decodeIxEntries(ix.buf[:0], v)
	ix.buf = es
	if err != nil {
		return row{}, false, err
	}
	known := es[:0]
	for _, e := range es {
		if e.kf <= s && (e.kt == 0 || s < e.kt) {
			known = append(known, e)
		}
	}
	covers := func(e ixEntry, d domain.Date) bool { return e.from <= d && d < e.until }
	if kind == domain.Flow {
		before := q.PeriodStart() - 1
		for _, e := range known {
			if covers(e, before) {
				return row{}, false, nil
			}
		}
	}
	var best row
	found := false
	for _, e := range known {
		if !covers(e, q.AsOf) || found && e.from < best.From {
			continue
		}
		if found && e.from == best.From {
			// A tie on the day it counts from: the event ID decides, which the row holds.
			r, err := rowAt(ix.tx, fig, e.id, e.kt)
			if err != nil {
				return row{}, false, err
			}
			if r.EventID > best.EventID {
				best = r
			}
			continue
		}
		r, err := rowAt(ix.tx, fig, e.id, e.kt)
		if err != nil {
			return row{}, false, err
		}
		best, found = r, true
	}
	return best, found, nil
}

// appendCounting adds to a page of at most limit rows the row of an item's index value v, if the
// item counts; more says the page was already full and this item is on the next one.
func (ix *itemIndex) appendCounting(rows []row, limit int, fig uint8, kind domain.FigureKind, v []byte, q domain.Query, s uint64) (_ []row, more bool, err error) {
	r, ok, err := ix.counting(fig, kind, v, q, s)
	if err != nil || !ok {
		return rows, false, err
	}
	if len(rows) == limit {
		return rows, true, nil
	}
	return append(rows, r), false, nil
}

// countedAfter returns, in the order of the items, at most limit rows that make items count
// towards figure f for q as known at s — the items after after, or from after on when first —
// and whether more items count after them.
func (ix *itemIndex) countedAfter(f domain.Figure, q domain.Query, s uint64, after string, first bool, limit int) (rows []row, more bool, err error) {
	fig := figIdx(f.ID)
	c := ix.byItem.Cursor()
	start := ixKey(fig, after)
	for k, v := c.Seek(start); k != nil && k[0] == fig; k, v = c.Next() {
		if !first && bytes.Equal(k, start) {
			continue
		}
		if rows, more, err = ix.appendCounting(rows, limit, fig, f.Kind, v, q, s); err != nil || more {
			return rows, more, err
		}
	}
	return rows, false, nil
}

// expiringRows returns the rows of the certificates of figure f that count on q.AsOf as known at
// s and end by expiry on a day up to last (the last day they are valid: last), by that day and
// item.
func (ix *itemIndex) expiringRows(f domain.Figure, q domain.Query, s uint64, last domain.Date) ([]row, error) {
	fig := figIdx(f.ID)
	var out []row
	c := ix.tx.Bucket(bByExpiry).Cursor()
	for k, _ := c.Seek(expiryKey(fig, q.AsOf+1, "")); k != nil && k[0] == fig && expiryDay(k) <= last+1; k, _ = c.Next() {
		until := expiryDay(k)
		r, ok, err := ix.counting(fig, f.Kind, ix.byItem.Get(append([]byte{fig}, k[5:]...)), q, s)
		if err != nil {
			return nil, err
		}
		if ok && r.Until == until && r.Until == f.Expires(r.From) {
			out = append(out, r)
		}
	}
	return out, nil
}
