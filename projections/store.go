package projections

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// The bbolt layout. Read models are disposable: the log is the truth, and every bucket here can
// be rebuilt from it.
//
//	meta    "checkpoint" → last applied log position; "version" → projector version;
//	        "known" → running maximum recorded time; "unknown" → JSON {type: count}
//	log     seq → clock entry: the recorded time and what the event was (for diff and explain)
//	hist    stream 0x00 seq → the stream's events, to re-derive its contributions
//	rows    rowID → a contribution row with the log interval in which it was true
//	byfig   fig rowID → nil: the rows of a figure, for explain and breakdowns
//	cur     stream 0x00 rowID → nil: the rows a stream contributes now
//	items   fig item 0x00 rowID → from,until: the current rows of an item, for coverage
//	deltas  seq n → fig,day,d: the changes of each figure, loaded into the in-memory index
var (
	bMeta   = []byte("meta")
	bLog    = []byte("log")
	bHist   = []byte("hist")
	bRows   = []byte("rows")
	bByFig  = []byte("byfig")
	bCur    = []byte("cur")
	bItems  = []byte("items")
	bDeltas = []byte("deltas")
	buckets = [][]byte{bMeta, bLog, bHist, bRows, bByFig, bCur, bItems, bDeltas}

	kCheckpoint = []byte("checkpoint")
	kVersion    = []byte("version")
	kKnown      = []byte("known")
	kUnknown    = []byte("unknown")
	kNextRow    = []byte("nextrow")
)

// row is a contribution as the projection stores it, with the log positions between which the
// ledger held it true: it counts as known at S when KnownFrom ≤ S and (KnownTo == 0 or S < KnownTo).
type row struct {
	domain.Contribution
	Stream    string `json:"stream"`
	KnownFrom uint64 `json:"kf"`
	KnownTo   uint64 `json:"kt,omitempty"`
}

func (r row) knownAt(s uint64) bool { return r.KnownFrom <= s && (r.KnownTo == 0 || s < r.KnownTo) }

// logEntry is what the projection keeps of each event of the log.
type logEntry struct {
	Seq        uint64    `json:"seq"`
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Stream     string    `json:"stream"`
	RecordedAt time.Time `json:"recorded_at"`
	Known      time.Time `json:"-"` // running maximum of recorded times up to here
}

func u64(v uint64) []byte { b := make([]byte, 8); binary.BigEndian.PutUint64(b, v); return b }

func getU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func encodeLog(e logEntry) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, e.RecordedAt.UnixNano())
	binary.Write(&b, binary.BigEndian, e.Known.UnixNano())
	for _, s := range []string{e.ID, e.Type, e.Stream} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.Bytes()
}

func decodeLog(seq uint64, v []byte) logEntry {
	e := logEntry{Seq: seq}
	if len(v) < 16 {
		return e
	}
	e.RecordedAt = time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
	e.Known = time.Unix(0, int64(binary.BigEndian.Uint64(v[8:]))).UTC()
	parts := bytes.SplitN(v[16:], []byte{0}, 4)
	if len(parts) >= 3 {
		e.ID, e.Type, e.Stream = string(parts[0]), string(parts[1]), string(parts[2])
	}
	return e
}

// histEvent is an event kept in the hist bucket.
type histEvent struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Version    uint64          `json:"v"`
	RecordedAt time.Time       `json:"at"`
	Actor      string          `json:"actor,omitempty"`
	Source     string          `json:"source,omitempty"`
	Data       json.RawMessage `json:"data"`
}

func (he histEvent) recorded(stream string, seq uint64) domain.Recorded {
	ev, err := domain.Decode(he.Type, 1, he.Data)
	if err != nil {
		ev = nil
	}
	return domain.Recorded{ID: he.ID, Type: he.Type, Stream: stream, Version: he.Version, Sequence: seq,
		RecordedAt: he.RecordedAt, Actor: he.Actor, Source: he.Source, Event: ev}
}

func histKey(stream string, seq uint64) []byte {
	k := make([]byte, 0, len(stream)+9)
	k = append(k, stream...)
	k = append(k, 0)
	return append(k, u64(seq)...)
}

func itemKey(fig uint8, item string, rowID uint64) []byte {
	k := make([]byte, 0, len(item)+10)
	k = append(k, fig)
	k = append(k, item...)
	k = append(k, 0)
	return append(k, u64(rowID)...)
}

func itemPrefix(fig uint8, item string) []byte {
	k := make([]byte, 0, len(item)+2)
	k = append(k, fig)
	k = append(k, item...)
	return append(k, 0)
}

func dateBytes(from, until domain.Date) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint32(b, uint32(int32(from)))
	binary.BigEndian.PutUint32(b[4:], uint32(int32(until)))
	return b
}

func getDates(b []byte) (domain.Date, domain.Date) {
	return domain.Date(int32(binary.BigEndian.Uint32(b))), domain.Date(int32(binary.BigEndian.Uint32(b[4:])))
}

func deltaKey(seq uint64, n uint32) []byte {
	k := make([]byte, 12)
	binary.BigEndian.PutUint64(k, seq)
	binary.BigEndian.PutUint32(k[8:], n)
	return k
}

func encodeDelta(d delta) []byte { return []byte{d.fig, byte(d.day >> 8), byte(d.day), byte(d.d)} }

func decodeDelta(k, v []byte) delta {
	return delta{seq: uint32(binary.BigEndian.Uint64(k)), fig: v[0], day: uint16(v[1])<<8 | uint16(v[2]), d: int8(v[3])}
}

func createBuckets(tx *bolt.Tx) error {
	for _, b := range buckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("projections: create bucket %s: %w", b, err)
		}
	}
	return nil
}

func dropBuckets(tx *bolt.Tx) error {
	for _, b := range buckets {
		if tx.Bucket(b) != nil {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
	}
	return createBuckets(tx)
}
