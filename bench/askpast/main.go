// Command askpast asks the questions known at a past time — all figures, the breakdowns by
// former province, commune and stars, explain's first page of ocop.valid — beside the same known
// now, on read models a run left (the bench's --dir DIR/data/readmodels.db), and prints the CPU
// each question took (getrusage: the measure on a loaded machine) and the wall p50 / p99. The
// first question of each kind, which builds what it reads, is timed apart. Built against another
// commit (copy this directory into its worktree's bench), it measures that commit on the same
// questions: the same seed asks the same (date, knowledge time) pairs. The live heap after them
// says what the indexes the questions built hold.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"syscall"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "askpast:", err)
		os.Exit(1)
	}
}

func run() error {
	db := flag.String("db", "", "the read models (readmodels.db)")
	n := flag.Int("n", 200, "questions per breakdown measure (10× for the figures, ½× for explain)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the questions to this file")
	flag.Parse()
	ctx := context.Background()
	t0 := time.Now()
	p, err := projections.Open(*db, projections.Options{})
	if err != nil {
		return err
	}
	defer p.Close()
	if p.Status().Checkpoint == 0 {
		return fmt.Errorf("%s holds no read models of this build", *db)
	}
	fmt.Printf("opened in %v\n", time.Since(t0).Round(time.Millisecond))
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The bench's dates and knowledge times.
	r := rand.New(rand.NewSource(2))
	lo, hi := domain.MustDate(2016, 1, 1), domain.MustDate(2026, 12, 31)
	date := func() domain.Date { return lo + domain.Date(r.Intn(int(hi-lo))) }
	last := p.Status().KnownAt
	first := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
	past := func() time.Time { return first.Add(time.Duration(r.Int63n(int64(last.Sub(first))))) }
	var qerr error
	measure := func(name string, k int, q func() error) {
		ds := make([]time.Duration, k)
		c0 := cpuTime()
		for i := range ds {
			t := time.Now()
			if err := q(); err != nil && qerr == nil {
				qerr = err
			}
			ds[i] = time.Since(t)
		}
		cpu := (cpuTime() - c0) / time.Duration(k)
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		fmt.Printf("%-36s CPU a question %10v   wall p50 %10v  p99 %10v\n", name, cpu, ds[k/2], ds[k*99/100])
	}
	timed := func(what string, q func() error) {
		t := time.Now()
		if err := q(); err != nil && qerr == nil {
			qerr = err
		}
		fmt.Printf("%-36s %v\n", what, time.Since(t).Round(time.Millisecond))
	}
	measure("figures.known_now", *n*10, func() error { p.Figures(domain.Query{AsOf: date()}); return nil })
	measure("figures.known_past", *n*10, func() error { p.Figures(domain.Query{AsOf: date(), KnownAt: past()}); return nil })
	for _, dim := range []string{domain.DimFormerProvince, domain.DimCommune, domain.DimStars} {
		breakdown := func(q domain.Query) func() error {
			return func() error { _, err := p.Breakdown(ctx, q, dim, "vi"); return err }
		}
		timed("breakdown."+dim+".first", breakdown(domain.Query{AsOf: date()}))
		timed("breakdown."+dim+".known_past.first", breakdown(domain.Query{AsOf: date(), KnownAt: past()}))
		measure("breakdown."+dim+".known_now", *n, func() error { return breakdown(domain.Query{AsOf: date()})() })
		measure("breakdown."+dim+".known_past", *n, func() error { return breakdown(domain.Query{AsOf: date(), KnownAt: past()})() })
	}
	page := func(q domain.Query) func() error {
		return func() error { _, err := p.ExplainPage(ctx, "ocop.valid", q, "", 100); return err }
	}
	timed("explain.first_page.known_past.first", page(domain.Query{AsOf: date(), KnownAt: past()}))
	measure("explain.first_page.known_now", *n/2, func() error { return page(domain.Query{AsOf: date()})() })
	measure("explain.first_page.known_past", *n/2, func() error { return page(domain.Query{AsOf: date(), KnownAt: past()})() })
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("%-36s %d MiB\n", "live heap after the questions", ms.HeapAlloc>>20)
	return qerr
}
