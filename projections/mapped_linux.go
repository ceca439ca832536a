package projections

import (
	"os"
	"strconv"
	"strings"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped drops the pages of the read-model file from this process's memory map (a
// catch-up has its releaser do it; see releaser). bbolt reads the file through a shared read-only
// mapping, so every page a rebuild reads back (the right edge of each B+tree before an insert,
// the log records of a stream folded again) stays counted in the process's resident memory
// until the file is closed: at 1M events, 400 MB of a 470 MB file. The pages remain in the
// kernel's page cache (shared, reclaimable); dropping them from the map only means that the next
// read of one maps it again, with the same bytes. How often was measured (1M events,
// transactions of 2,500): the kernel maps whole folios back at each fault, so past a point it
// costs more time than it saves memory — after each transaction, peak RSS 295 MB; also
// half-way, 271 MB at the same speed; every 1,000 events, 266 MB and 10% slower.
//
// The read transaction holds bbolt's mapping in place (replacing it takes a lock that readers
// hold), and the mapping covers at least the tx.Size() bytes it sees.
func (p *Projection) releaseMapped() {
	_ = p.db.View(func(tx *bolt.Tx) error {
		dontNeed(p.db.Info().Data, tx.Size())
		return nil
	})
}

func dontNeed(data uintptr, size int64) {
	if size > 0 {
		syscall.Syscall(syscall.SYS_MADVISE, data, uintptr(size), syscall.MADV_DONTNEED)
	}
}

// releaseAbove is the resident memory of the process below which a catch-up's releaser leaves
// the mapped pages alone: early in a rebuild the heap is small, and pages kept mapped are not
// faulted in again. Above it, the releaser drops them when releaseGain more of them are mapped
// than when the catch-up began. Measured (1M events, `ocopledger rebuild --nats`, RSS polled):
// the resident memory overshoots the mark by up to ≈ 25 MB before a release takes effect; 240
// MiB peaked at 276–298 MB, 224 MiB at 267–273 MB.
var releaseAbove int64 = 224 << 20 // a variable so that tests can release always (0)

// releaseGain is how much more of the file must be mapped in before a release is worth its
// faults. Without it a process whose heap alone passes releaseAbove — the rebuild with the
// broker embedded, whose heap holds the broker's too — dropped every page every 10 ms and
// faulted each back at its next read: in a CPU profile of that rebuild (1M events), 5.5 s in
// the releaser and 9 s in bbolt's first touch of pages (Page.FastCheck), a fifth of its CPU.
var releaseGain int64 = 32 << 20

// resident returns the process's resident memory and its file-backed part (/proc/self/statm's
// resident and shared pages: the mapped read-model file, the program's text); ok is false when
// it cannot tell.
func resident() (total, file int64, ok bool) {
	f, err := os.Open("/proc/self/statm")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	var buf [128]byte
	k, _ := f.Read(buf[:])
	fields := strings.Fields(string(buf[:k]))
	if len(fields) < 3 {
		return 0, 0, false
	}
	pages, err1 := strconv.ParseInt(fields[1], 10, 64)
	shared, err2 := strconv.ParseInt(fields[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	size := int64(os.Getpagesize())
	return pages * size, shared * size, true
}
