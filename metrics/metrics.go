package metrics

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds metric families and writes them out. The zero value is not usable; call
// NewRegistry. All methods are safe for concurrent use.
type Registry struct {
	mu       sync.Mutex
	families map[string]*family
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{families: map[string]*family{}} }

type kind string

const (
	kindCounter   kind = "counter"
	kindGauge     kind = "gauge"
	kindHistogram kind = "histogram"
)

type family struct {
	name, help string
	kind       kind
	labels     []string
	buckets    []float64 // histograms only
	fn         func() float64

	mu     sync.RWMutex
	series map[string]*series
}

type series struct {
	values []string
	val    atomic.Uint64 // float64 bits: counter/gauge value
	// histogram
	hmu    sync.Mutex
	counts []uint64 // per bucket (not cumulative)
	sum    float64
	count  uint64
}

// register returns the family of that name, creating it; a second registration with the same
// name and kind returns the first (so that two parts may share a family); a different kind or
// label set panics, as it is a programming mistake.
func (r *Registry) register(name, help string, k kind, labels []string, buckets []float64) *family {
	if !validName(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name))
	}
	for _, l := range labels {
		if !validName(l) || strings.HasPrefix(l, "__") || l == "le" {
			panic(fmt.Sprintf("metrics: invalid label name %q for %s", l, name))
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if f, ok := r.families[name]; ok {
		if f.kind != k || strings.Join(f.labels, ",") != strings.Join(labels, ",") {
			panic(fmt.Sprintf("metrics: %s registered twice with different kinds or labels", name))
		}
		return f
	}
	f := &family{name: name, help: help, kind: k, labels: append([]string(nil), labels...), buckets: buckets, series: map[string]*series{}}
	r.families[name] = f
	return f
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		ok := c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
		if !ok {
			return false
		}
	}
	return true
}

func (f *family) with(values []string) *series {
	if len(values) != len(f.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values, got %d", f.name, len(f.labels), len(values)))
	}
	key := strings.Join(values, "\xff")
	f.mu.RLock()
	s, ok := f.series[key]
	f.mu.RUnlock()
	if ok {
		return s
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok = f.series[key]; ok {
		return s
	}
	s = &series{values: append([]string(nil), values...)}
	if f.kind == kindHistogram {
		s.counts = make([]uint64, len(f.buckets))
	}
	f.series[key] = s
	return s
}

func addFloat(v *atomic.Uint64, d float64) {
	for {
		old := v.Load()
		n := math.Float64bits(math.Float64frombits(old) + d)
		if v.CompareAndSwap(old, n) {
			return
		}
	}
}

// CounterVec is a counter family; With picks one series by its label values.
type CounterVec struct{ f *family }

// Counter is a value that only goes up.
type Counter struct{ s *series }

// Counter registers (or returns the already registered) counter family.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	return &CounterVec{r.register(name, help, kindCounter, labels, nil)}
}

// With returns the series for the label values, in the order of the labels.
func (c *CounterVec) With(values ...string) Counter { return Counter{c.f.with(values)} }

// Inc adds one.
func (c Counter) Inc() { addFloat(&c.s.val, 1) }

// Add adds d, which must not be negative.
func (c Counter) Add(d float64) {
	if d < 0 {
		panic("metrics: a counter cannot go down")
	}
	addFloat(&c.s.val, d)
}

// Value returns the current value.
func (c Counter) Value() float64 { return math.Float64frombits(c.s.val.Load()) }

// GaugeVec is a gauge family.
type GaugeVec struct{ f *family }

// Gauge is a value that goes up and down.
type Gauge struct{ s *series }

// Gauge registers (or returns) a gauge family.
func (r *Registry) Gauge(name, help string, labels ...string) *GaugeVec {
	return &GaugeVec{r.register(name, help, kindGauge, labels, nil)}
}

// GaugeFunc registers a gauge without labels whose value is read from fn at each scrape.
func (r *Registry) GaugeFunc(name, help string, fn func() float64) {
	f := r.register(name, help, kindGauge, nil, nil)
	f.mu.Lock()
	f.fn = fn
	f.mu.Unlock()
}

// With returns the series for the label values.
func (g *GaugeVec) With(values ...string) Gauge { return Gauge{g.f.with(values)} }

// Set sets the value.
func (g Gauge) Set(v float64) { g.s.val.Store(math.Float64bits(v)) }

// Add adds d (which may be negative).
func (g Gauge) Add(d float64) { addFloat(&g.s.val, d) }

// Inc adds one; Dec takes one away.
func (g Gauge) Inc() { g.Add(1) }

// Dec takes one away.
func (g Gauge) Dec() { g.Add(-1) }

// Value returns the current value.
func (g Gauge) Value() float64 { return math.Float64frombits(g.s.val.Load()) }

// DefaultBuckets are latency buckets in seconds, from 0.5 ms to 10 s.
var DefaultBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// HistogramVec is a histogram family.
type HistogramVec struct{ f *family }

// Histogram counts observations into buckets.
type Histogram struct {
	s       *series
	buckets []float64
}

// Histogram registers (or returns) a histogram family with the given upper bounds (sorted
// ascending; nil means DefaultBuckets). The +Inf bucket is implicit.
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *HistogramVec {
	if buckets == nil {
		buckets = DefaultBuckets
	}
	if !sort.Float64sAreSorted(buckets) {
		panic(fmt.Sprintf("metrics: buckets of %s are not sorted", name))
	}
	return &HistogramVec{r.register(name, help, kindHistogram, labels, append([]float64(nil), buckets...))}
}

// With returns the series for the label values.
func (h *HistogramVec) With(values ...string) Histogram {
	return Histogram{h.f.with(values), h.f.buckets}
}

// Observe records one value.
func (h Histogram) Observe(v float64) {
	i := sort.SearchFloat64s(h.buckets, v) // first bucket with bound >= v
	h.s.hmu.Lock()
	if i < len(h.s.counts) {
		h.s.counts[i]++
	}
	h.s.sum += v
	h.s.count++
	h.s.hmu.Unlock()
}

// ObserveSince records the seconds elapsed since t.
func (h Histogram) ObserveSince(t time.Time) { h.Observe(time.Since(t).Seconds()) }

// Count returns how many values were observed.
func (h Histogram) Count() uint64 {
	h.s.hmu.Lock()
	defer h.s.hmu.Unlock()
	return h.s.count
}

// ContentType is the media type of the exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// ServeHTTP writes the registry in the text exposition format.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", ContentType)
	bw := bufio.NewWriter(w)
	r.write(bw)
	bw.Flush()
}

// String returns the registry in the text exposition format.
func (r *Registry) String() string {
	var b strings.Builder
	bw := bufio.NewWriter(&b)
	r.write(bw)
	bw.Flush()
	return b.String()
}

func (r *Registry) write(w *bufio.Writer) {
	r.mu.Lock()
	fams := make([]*family, 0, len(r.families))
	for _, f := range r.families {
		fams = append(fams, f)
	}
	r.mu.Unlock()
	sort.Slice(fams, func(i, j int) bool { return fams[i].name < fams[j].name })
	for _, f := range fams {
		f.write(w)
	}
}

func (f *family) write(w *bufio.Writer) {
	f.mu.RLock()
	ss := make([]*series, 0, len(f.series))
	for _, s := range f.series {
		ss = append(ss, s)
	}
	fn := f.fn
	f.mu.RUnlock()
	if len(ss) == 0 && fn == nil && len(f.labels) > 0 {
		return // no series yet: nothing to say
	}
	sort.Slice(ss, func(i, j int) bool {
		return strings.Join(ss[i].values, "\xff") < strings.Join(ss[j].values, "\xff")
	})
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", f.name, escapeHelp(f.help), f.name, f.kind)
	if fn != nil {
		fmt.Fprintf(w, "%s %s\n", f.name, formatFloat(fn()))
		return
	}
	if len(ss) == 0 && f.kind != kindHistogram {
		fmt.Fprintf(w, "%s 0\n", f.name)
		return
	}
	for _, s := range ss {
		if f.kind != kindHistogram {
			fmt.Fprintf(w, "%s%s %s\n", f.name, labelString(f.labels, s.values, "", ""), formatFloat(math.Float64frombits(s.val.Load())))
			continue
		}
		s.hmu.Lock()
		counts := append([]uint64(nil), s.counts...)
		sum, count := s.sum, s.count
		s.hmu.Unlock()
		var cum uint64
		for i, b := range f.buckets {
			cum += counts[i]
			fmt.Fprintf(w, "%s_bucket%s %d\n", f.name, labelString(f.labels, s.values, "le", formatFloat(b)), cum)
		}
		fmt.Fprintf(w, "%s_bucket%s %d\n", f.name, labelString(f.labels, s.values, "le", "+Inf"), count)
		fmt.Fprintf(w, "%s_sum%s %s\n", f.name, labelString(f.labels, s.values, "", ""), formatFloat(sum))
		fmt.Fprintf(w, "%s_count%s %d\n", f.name, labelString(f.labels, s.values, "", ""), count)
	}
}

func labelString(names, values []string, extraName, extraValue string) string {
	if len(names) == 0 && extraName == "" {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n)
		b.WriteString(`="`)
		b.WriteString(escapeLabel(values[i]))
		b.WriteByte('"')
	}
	if extraName != "" {
		if len(names) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(extraName)
		b.WriteString(`="`)
		b.WriteString(extraValue)
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
