package projections

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ocopledger/ocopledger/domain"
)

// A log record encoded (ahead by a catch-up's reader, or by the applier) decodes to the event
// it was made of, whatever the length of its payload.
func TestLogRecordRoundTrip(t *testing.T) {
	at := time.Date(2025, 7, 1, 8, 30, 0, 123, time.UTC)
	for _, name := range []string{"Mật ong", strings.Repeat("Trà xanh Minh Long ", 20)} {
		e := domain.ProducerRegistered{ProducerID: "P-1", Name: name}
		r := domain.Recorded{ID: "01J", Type: e.EventType(), Stream: e.Stream(), Version: 3, Sequence: 9, RecordedAt: at, Actor: "clerk", Source: "QĐ 12", Event: e}
		b, err := appendLogOf([]byte("prefix"), r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeLog(9, b[len("prefix"):]).recorded()
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != r.ID || got.Type != r.Type || got.Stream != r.Stream || got.Version != 3 || !got.RecordedAt.Equal(at) ||
			got.Actor != "clerk" || got.Source != "QĐ 12" || got.Event.(domain.ProducerRegistered).Name != name {
			t.Errorf("decoded %+v, want %+v", got, r)
		}
	}
}

// A log page finds each of its records through its header, whether the page was begun in an
// earlier transaction or this one, and nothing for a position it does not hold or a header that
// points outside it.
func TestLogPageFindsItsRecords(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "p.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec := func(seq uint64) []byte { return []byte(strings.Repeat(fmt.Sprint(seq), int(seq%7)+1)) }
	held := map[uint64]bool{}
	// Three transactions fill pages 1 and 2 (positions 16–47), skipping some positions.
	for _, run := range [][2]uint64{{16, 22}, {23, 40}, {41, 47}} {
		err := db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(bLog)
			if err != nil {
				return err
			}
			pw := pageWriter{b: b, size: logPageHeader, log: true}
			for seq := run[0]; seq <= run[1]; seq++ {
				if seq%5 == 0 {
					continue
				}
				if err := pw.add(logPageKey(seq), seq, rec(seq)); err != nil {
					return err
				}
				held[seq] = true
				if got, open := pw.entry(logPageKey(seq), seq); !open || string(got) != string(rec(seq)) {
					t.Errorf("open page: position %d gives %q, want %q", seq, got, rec(seq))
				}
			}
			return pw.flush()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bLog)
		for seq := uint64(10); seq < 60; seq++ {
			got := logPageEntry(b.Get(logPageKey(seq)), seq)
			if held[seq] != (got != nil) || held[seq] && string(got) != string(rec(seq)) {
				t.Errorf("position %d gives %q (held: %v)", seq, got, held[seq])
			}
		}
		page := slices.Clone(b.Get(logPageKey(17)))
		binary.BigEndian.PutUint32(page[4:], uint32(len(page)+10))
		if got := logPageEntry(page, 17); got != nil {
			t.Errorf("a header pointing past the page gives %q", got)
		}
		binary.BigEndian.PutUint32(page[4:], binary.BigEndian.Uint32(page[8:]))
		if got := logPageEntry(page, 17); got != nil {
			t.Errorf("a header pointing at another position's entry gives %q", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
