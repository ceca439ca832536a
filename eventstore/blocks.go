package eventstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/minio/highwayhash"
	"github.com/nats-io/nats.go"
)

// Blocks reads the messages of a stream straight from the message blocks of an embedded
// store's folder, without a server: the last resort of a salvage. When nats-server opens a
// damaged block without its index it truncates the block at the first damaged message, and the
// intact messages after it are lost to every reader through the server; read from the files
// before the server touches them, they are not. Only messages whose checksum holds are given.
//
// It reads the block format of nats-server 2.10–2.15 (uncompressed, unencrypted streams, as the
// ledger's are): records of a 22-byte header (length, with the headers flag in its top bit;
// sequence; timestamp; subject length), the subject, the headers (with their length), the
// message and an 8-byte HighwayHash-64 keyed with SHA-256("<stream>-<block index>").
type Blocks struct {
	stream string
	at     map[uint64]blockRecord // stream sequence → where its message is
	skip   []string               // blocks not read (compressed or encrypted), for the report
}

// blockRecord locates a record whose checksum held when the blocks were indexed.
type blockRecord struct {
	file  string
	block uint32
	off   int64
	size  uint32
}

// Record layout (nats-server filestore.go).
const (
	blkHeaderSize = 22
	blkHashSize   = 8
	blkHasHeaders = 1 << 31 // in the record length
	blkErased     = 1 << 63 // in the sequence
	blkTombstone  = 1 << 62 // in the sequence
	blkMaxRecord  = 32 << 20
)

// OpenBlocks indexes the message blocks of stream in storeDir (the Config.DataDir of an
// embedded store), reading them only.
func OpenBlocks(storeDir, stream string) (*Blocks, error) {
	dirs, err := filepath.Glob(filepath.Join(storeDir, "jetstream", "*", "streams", stream, "msgs"))
	if err != nil || len(dirs) != 1 {
		return nil, fmt.Errorf("eventstore: the message blocks of stream %s in %s: found %d folders", stream, storeDir, len(dirs))
	}
	files, err := filepath.Glob(filepath.Join(dirs[0], "*.blk"))
	if err != nil {
		return nil, err
	}
	b := &Blocks{stream: stream, at: map[uint64]blockRecord{}}
	for _, f := range files {
		index, err := strconv.ParseUint(strings.TrimSuffix(filepath.Base(f), ".blk"), 10, 32)
		if err != nil {
			continue
		}
		buf, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("eventstore: read block %s: %w", f, err)
		}
		if bytes.HasPrefix(buf, []byte("cmp")) && len(buf) > 3 && buf[3] != 0 {
			b.skip = append(b.skip, f) // compressed: not a ledger's block
			continue
		}
		hh, err := b.hash(uint32(index))
		if err != nil {
			return nil, err
		}
		for off := 0; off+blkHeaderSize <= len(buf); {
			if size, seq, ok := blkRecordAt(buf, off, hh); ok {
				if seq&(blkErased|blkTombstone) == 0 {
					b.at[seq] = blockRecord{file: f, block: uint32(index), off: int64(off), size: size}
				}
				off += int(size)
				continue
			}
			off = blkResync(buf, off, hh)
		}
	}
	return b, nil
}

// Len is how many messages the blocks hold intact.
func (b *Blocks) Len() int { return len(b.at) }

// Envelope returns the message at position seq as readers deliver it, if the blocks hold it
// intact.
func (b *Blocks) Envelope(seq uint64) (Envelope, bool, error) {
	r, ok := b.at[seq]
	if !ok {
		return Envelope{}, false, nil
	}
	f, err := os.Open(r.file)
	if err != nil {
		return Envelope{}, false, err
	}
	defer f.Close()
	buf := make([]byte, r.size)
	if _, err := f.ReadAt(buf, r.off); err != nil {
		return Envelope{}, false, err
	}
	hh, err := b.hash(r.block)
	if err != nil {
		return Envelope{}, false, err
	}
	if _, got, ok := blkRecordAt(buf, 0, hh); !ok || got != seq {
		return Envelope{}, false, nil // changed since it was indexed
	}
	le := binary.LittleEndian
	rl := le.Uint32(buf) &^ blkHasHeaders
	slen := int(le.Uint16(buf[20:]))
	ts := int64(le.Uint64(buf[12:]))
	data := buf[blkHeaderSize : rl-blkHashSize]
	subject, rest := string(data[:slen]), data[slen:]
	var version string
	if le.Uint32(buf)&blkHasHeaders != 0 {
		hl := int(le.Uint32(rest))
		if 4+hl > len(rest) {
			return Envelope{}, false, nil
		}
		if hl > 0 {
			h, err := nats.DecodeHeadersMsg(rest[4 : 4+hl])
			if err == nil {
				version = h.Get(HeaderVersion)
			}
		}
		rest = rest[4+hl:]
	}
	return decode(rest, seq, time.Unix(0, ts), subject, version), true, nil
}

func (b *Blocks) hash(block uint32) (*highwayhash.Digest64, error) {
	key := sha256.Sum256(fmt.Appendf(nil, "%s-%d", b.stream, block))
	return highwayhash.NewDigest64(key[:])
}

// blkRecordAt reports whether a record whose checksum holds starts at off, with its size and
// stored sequence.
func blkRecordAt(buf []byte, off int, hh *highwayhash.Digest64) (size uint32, seq uint64, ok bool) {
	size, ok = blkSaneAt(buf, off)
	if !ok {
		return 0, 0, false
	}
	le := binary.LittleEndian
	rec := buf[off : off+int(size)]
	slen := int(le.Uint16(rec[20:]))
	data := rec[blkHeaderSize:]
	hh.Reset()
	hh.Write(rec[4:20])
	hh.Write(data[:slen])
	if le.Uint32(rec)&blkHasHeaders != 0 {
		hh.Write(data[slen+4 : len(data)-blkHashSize])
	} else {
		hh.Write(data[slen : len(data)-blkHashSize])
	}
	var sum [highwayhash.Size64]byte
	if !bytes.Equal(hh.Sum(sum[:0]), data[len(data)-blkHashSize:]) {
		return 0, 0, false
	}
	return size, le.Uint64(rec[4:]), true
}

// blkSaneAt returns the size of the record at off if its header is plausible.
func blkSaneAt(buf []byte, off int) (uint32, bool) {
	if off+blkHeaderSize > len(buf) {
		return 0, false
	}
	le := binary.LittleEndian
	raw := le.Uint32(buf[off:])
	rl := raw &^ blkHasHeaders
	slen := int(le.Uint16(buf[off+20:]))
	if raw&blkHasHeaders != 0 {
		slen += 4
	}
	dlen := int(rl) - blkHeaderSize
	if rl > blkMaxRecord || dlen < blkHashSize || slen > dlen-blkHashSize || off+int(rl) > len(buf) {
		return 0, false
	}
	return rl, true
}

// blkResync returns where the next intact record after the damaged one at off starts: where its
// header says, when a good record is there; else the next offset where a good record starts; else
// the end of the block.
func blkResync(buf []byte, off int, hh *highwayhash.Digest64) int {
	if size, ok := blkSaneAt(buf, off); ok {
		next := off + int(size)
		if next == len(buf) {
			return next
		}
		if _, _, ok := blkRecordAt(buf, next, hh); ok {
			return next
		}
	}
	for i := off + 1; i+blkHeaderSize <= len(buf); i++ {
		if _, _, ok := blkRecordAt(buf, i, hh); ok {
			return i
		}
	}
	return len(buf)
}

// Last is the highest position the blocks hold intact (0 if none).
func (b *Blocks) Last() uint64 {
	var last uint64
	for seq := range b.at {
		last = max(last, seq)
	}
	return last
}

// Skipped lists the block files not read (compressed or encrypted).
func (b *Blocks) Skipped() []string { return b.skip }

// CopyDataDir copies the embedded store in dir (a Config.DataDir) into a new folder under tmp
// ("" for the system's), holding dir's lock while it copies, so that a damaged store can be
// opened — and repaired the way nats-server repairs what it opens — without its files being
// touched. It returns the copy's folder; the caller removes it (os.RemoveAll).
func CopyDataDir(dir, tmp string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "jetstream")); err != nil {
		return "", fmt.Errorf("eventstore: copy %s: %w", dir, err)
	}
	lock, err := lockDataDir(dir)
	if err != nil {
		return "", err
	}
	defer lock.Unlock()
	to, err := os.MkdirTemp(tmp, "ocopledger-copy-*")
	if err != nil {
		return "", err
	}
	if err := os.CopyFS(to, os.DirFS(dir)); err != nil {
		os.RemoveAll(to)
		return "", fmt.Errorf("eventstore: copy %s: %w", dir, err)
	}
	return to, nil
}
