package domain

import "time"

// Knower is what holds a record of the log's history: the read models, the data directory, the
// checkpoint stream. It reads as its name in messages.
type Knower int

const (
	KnownByReadModels Knower = iota
	KnownByDataDir
	KnownByCheckpoints
)

var knowers = map[Knower]label{
	KnownByReadModels:  {vi: "số liệu tổng hợp", en: "the read models' record"},
	KnownByDataDir:     {vi: "thư mục dữ liệu", en: "the data directory's record"},
	KnownByCheckpoints: {vi: "điểm kiểm chứng (checkpoint) mới nhất trong luồng điểm kiểm chứng", en: "the last checkpoint in the checkpoint stream"},
}

// Label is the name of k in messages (English, and Vietnamese through i18n.Localize).
func (k Knower) Label() any { return knowers[k] }

// KnownHistory is what the ledger has recorded of its log: which stream it read and the prefix
// of it that it read. The log must extend it: same stream, at least Size entries, and the entry
// at Size (and, once the tree is kept, the whole prefix) hashing the same.
type KnownHistory struct {
	Stream  string    `json:"stream"`
	Created time.Time `json:"created"`        // the stream's creation time as JetStream gave it; zero: not recorded
	Size    uint64    `json:"size"`           // entries known
	Leaf    []byte    `json:"leaf,omitempty"` // RFC 6962 leaf hash of entry Size (none when Size is 0 or not recorded)
	Root    []byte    `json:"root,omitempty"` // Merkle tree root of the first Size entries, when recorded
	By      Knower    `json:"-"`
}
