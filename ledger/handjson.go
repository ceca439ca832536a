package ledger

import (
	"strconv"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
)

// jsonIn reads the plainest JSON a payload can be, for the commonest event types: objects whose
// keys are the fields' exact names, each once; strings without escapes in valid UTF-8; true and
// false; integers; numbers; dates as domain.Date reads them. Anything else — another spelling of
// a key, an escape, null, a repeated or unknown key, a float for an integer — is refused, and
// decoded by segmentio's decoder or encoding/json instead (see parseFast), so that what it
// accepts encoding/json accepts too, to the same value.
type jsonIn struct {
	d []byte
	s string // d as one string, made at the first string value: the values are parts of it
	i int
}

func (in *jsonIn) ws() {
	for in.i < len(in.d) {
		switch in.d[in.i] {
		case ' ', '\t', '\n', '\r':
			in.i++
		default:
			return
		}
	}
}

func (in *jsonIn) is(c byte) bool {
	if in.i < len(in.d) && in.d[in.i] == c {
		in.i++
		return true
	}
	return false
}

// raw reads a string without escapes and returns its bytes (without the quotes).
func (in *jsonIn) raw() ([]byte, bool) {
	if !in.is('"') {
		return nil, false
	}
	start := in.i
	for in.i < len(in.d) {
		c := in.d[in.i]
		if c == '"' {
			s := in.d[start:in.i]
			in.i++
			return s, true
		}
		if c < 0x20 || c == '\\' {
			return nil, false
		}
		in.i++
	}
	return nil, false
}

// text reads a string value without escapes, in valid UTF-8, as a part of in.s.
func (in *jsonIn) text() (string, bool) {
	start := in.i + 1
	b, ok := in.raw()
	if !ok || !utf8.Valid(b) {
		return "", false
	}
	if in.s == "" {
		in.s = string(in.d) // one allocation for all the event's strings
	}
	return in.s[start : start+len(b)], true
}

// str reads a string value.
func (in *jsonIn) str(p *string) bool {
	t, ok := in.text()
	if ok {
		*p = t
	}
	return ok
}

// boolean reads true or false.
func (in *jsonIn) boolean(p *bool) bool {
	switch {
	case len(in.d)-in.i >= 4 && string(in.d[in.i:in.i+4]) == "true":
		*p, in.i = true, in.i+4
	case len(in.d)-in.i >= 5 && string(in.d[in.i:in.i+5]) == "false":
		*p, in.i = false, in.i+5
	default:
		return false
	}
	return true
}

// number reads a JSON number and reports whether it is an integer (no fraction, no exponent).
func (in *jsonIn) number() (lit []byte, integer, ok bool) {
	start := in.i
	in.is('-')
	switch {
	case in.is('0'):
	case in.i < len(in.d) && in.d[in.i] >= '1' && in.d[in.i] <= '9':
		in.digits()
	default:
		return nil, false, false
	}
	integer = true
	if in.is('.') {
		integer = false
		if !in.digits() {
			return nil, false, false
		}
	}
	if in.is('e') || in.is('E') {
		integer = false
		if !in.is('+') {
			in.is('-')
		}
		if !in.digits() {
			return nil, false, false
		}
	}
	return in.d[start:in.i], integer, true
}

func (in *jsonIn) digits() bool {
	start := in.i
	for in.i < len(in.d) && in.d[in.i] >= '0' && in.d[in.i] <= '9' {
		in.i++
	}
	return in.i > start
}

// integer reads an integer that fits an int.
func (in *jsonIn) integer(p *int) bool {
	lit, integer, ok := in.number()
	if !ok || !integer {
		return false
	}
	n, err := strconv.ParseInt(string(lit), 10, strconv.IntSize)
	if err != nil {
		return false
	}
	*p = int(n)
	return true
}

// float reads a number that fits a float64.
func (in *jsonIn) float(p *float64) bool {
	lit, _, ok := in.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return false
	}
	*p = f
	return true
}

// date reads a date as domain.Date's UnmarshalJSON reads a string without escapes: "" is
// NoDate, "9999-12-31" Forever, anything else what ParseDate makes of it.
func (in *jsonIn) date(p *domain.Date) bool {
	t, ok := in.text()
	switch {
	case !ok:
		return false
	case t == "":
		*p = domain.NoDate
	case t == "9999-12-31":
		*p = domain.Forever
	default:
		d, err := domain.ParseDate(t)
		if err != nil {
			return false
		}
		*p = d
	}
	return true
}

// fields reads an object field by field:
//
//	f := in.object()
//	for f.next() {
//		switch string(f.key) {
//		case "name":
//			f.read(0, in.str(&e.Name))
//		default:
//			f.fail() // a key of no field
//		}
//	}
//	return f.ok
type fields struct {
	in    *jsonIn
	key   []byte
	seen  uint64 // the fields read, by number (0–63): a key given twice is refused
	first bool
	ok    bool
}

// object begins reading an object.
func (in *jsonIn) object() fields {
	in.ws()
	return fields{in: in, first: true, ok: in.is('{')}
}

// next reads the next key and the colon after it; false at the object's end or a fault.
func (f *fields) next() bool {
	if !f.ok {
		return false
	}
	in := f.in
	in.ws()
	if in.is('}') {
		return false
	}
	if !f.first && !in.is(',') {
		f.ok = false
		return false
	}
	f.first = false
	in.ws()
	key, ok := in.raw()
	in.ws()
	if !ok || !in.is(':') {
		f.ok = false
		return false
	}
	in.ws()
	f.key = key
	return true
}

// read records that field n was read, if ok.
func (f *fields) read(n int, ok bool) {
	if !ok || f.seen&(1<<n) != 0 {
		f.ok = false
	}
	f.seen |= 1 << n
}

// fail refuses the object.
func (f *fields) fail() { f.ok = false }

// end reports whether nothing but white space follows.
func (in *jsonIn) end() bool {
	in.ws()
	return in.i == len(in.d)
}

func listingCreated(in *jsonIn, e *domain.ListingCreated) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "listing_id":
			f.read(0, in.str(&e.ListingID))
		case "platform":
			f.read(1, in.str((*string)(&e.Platform)))
		case "product_name":
			f.read(2, in.str(&e.ProductName))
		case "product_id":
			f.read(3, in.str(&e.ProductID))
		case "ocop":
			f.read(4, in.boolean(&e.OCOP))
		case "business_id":
			f.read(5, in.str(&e.BusinessID))
		case "business_name":
			f.read(6, in.str(&e.BusinessName))
		case "listed_on":
			f.read(7, in.date(&e.ListedOn))
		case "synthetic":
			f.read(8, in.boolean(&e.Synthetic))
		default:
			f.fail()
		}
	}
	return f.ok
}

func listingRemoved(in *jsonIn, e *domain.ListingRemoved) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "listing_id":
			f.read(0, in.str(&e.ListingID))
		case "removed_on":
			f.read(1, in.date(&e.RemovedOn))
		case "reason":
			f.read(2, in.str(&e.Reason))
		default:
			f.fail()
		}
	}
	return f.ok
}

func participation(in *jsonIn, e *domain.TradeEventParticipation) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "trade_event_id":
			f.read(0, in.str(&e.TradeEventID))
		case "business_id":
			f.read(1, in.str(&e.BusinessID))
		case "business_name":
			f.read(2, in.str(&e.BusinessName))
		case "synthetic":
			f.read(3, in.boolean(&e.Synthetic))
		default:
			f.fail()
		}
	}
	return f.ok
}

func tradeEventHeld(in *jsonIn, e *domain.TradeEventHeld) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "trade_event_id":
			f.read(0, in.str(&e.TradeEventID))
		case "kind":
			f.read(1, in.str((*string)(&e.Kind)))
		case "name":
			f.read(2, in.str(&e.Name))
		case "start_date":
			f.read(3, in.date(&e.StartDate))
		case "end_date":
			f.read(4, in.date(&e.EndDate))
		case "venue":
			f.read(5, in.str(&e.Venue))
		case "organiser":
			f.read(6, in.str(&e.Organiser))
		case "address":
			f.read(7, address(in, &e.Address))
		case "synthetic":
			f.read(8, in.boolean(&e.Synthetic))
		default:
			f.fail()
		}
	}
	return f.ok
}

func address(in *jsonIn, a *domain.Address) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "detail":
			f.read(0, in.str(&a.Detail))
		case "commune":
			f.read(1, in.str(&a.Commune))
		case "district":
			f.read(2, in.str(&a.District))
		case "province":
			f.read(3, in.str(&a.Province))
		default:
			f.fail()
		}
	}
	return f.ok
}

func decision(in *jsonIn, d *domain.Decision) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "number":
			f.read(0, in.str(&d.Number))
		case "date":
			f.read(1, in.date(&d.Date))
		case "authority":
			f.read(2, in.str((*string)(&d.Authority)))
		case "issuer":
			f.read(3, in.str(&d.Issuer))
		default:
			f.fail()
		}
	}
	return f.ok
}

func ocopCertified(in *jsonIn, e *domain.OCOPCertified) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "product_id":
			f.read(0, in.str(&e.ProductID))
		case "product_name":
			f.read(1, in.str(&e.ProductName))
		case "producer_id":
			f.read(2, in.str(&e.ProducerID))
		case "producer_name":
			f.read(3, in.str(&e.ProducerName))
		case "producer_kind":
			f.read(4, in.str((*string)(&e.ProducerKind)))
		case "product_set":
			f.read(5, in.str((*string)(&e.ProductSet)))
		case "stars":
			f.read(6, in.integer((*int)(&e.Stars)))
		case "score":
			f.read(7, in.float(&e.Score))
		case "decision":
			f.read(8, decision(in, &e.Decision))
		case "address":
			f.read(9, address(in, &e.Address))
		case "synthetic":
			f.read(10, in.boolean(&e.Synthetic))
		default:
			f.fail()
		}
	}
	return f.ok
}

func ocopReevaluated(in *jsonIn, e *domain.OCOPReevaluated) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "product_id":
			f.read(0, in.str(&e.ProductID))
		case "supersedes":
			f.read(1, in.str(&e.Supersedes))
		case "outcome":
			f.read(2, in.str((*string)(&e.Outcome)))
		case "stars":
			f.read(3, in.integer((*int)(&e.Stars)))
		case "score":
			f.read(4, in.float(&e.Score))
		case "decision":
			f.read(5, decision(in, &e.Decision))
		case "product_name":
			f.read(6, in.str(&e.ProductName))
		case "address":
			e.Address = new(domain.Address)
			f.read(7, address(in, e.Address))
		default:
			f.fail()
		}
	}
	return f.ok
}

func ocopExpired(in *jsonIn, e *domain.OCOPExpired) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "product_id":
			f.read(0, in.str(&e.ProductID))
		case "certificate":
			f.read(1, in.str(&e.Certificate))
		case "expired_on":
			f.read(2, in.date(&e.ExpiredOn))
		default:
			f.fail()
		}
	}
	return f.ok
}

func ocopExpiryNoticed(in *jsonIn, e *domain.OCOPExpiryNoticed) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "product_id":
			f.read(0, in.str(&e.ProductID))
		case "certificate":
			f.read(1, in.str(&e.Certificate))
		case "expires_on":
			f.read(2, in.date(&e.ExpiresOn))
		case "noticed_on":
			f.read(3, in.date(&e.NoticedOn))
		default:
			f.fail()
		}
	}
	return f.ok
}

func producerRegistered(in *jsonIn, e *domain.ProducerRegistered) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "producer_id":
			f.read(0, in.str(&e.ProducerID))
		case "name":
			f.read(1, in.str(&e.Name))
		case "kind":
			f.read(2, in.str((*string)(&e.Kind)))
		case "address":
			f.read(3, address(in, &e.Address))
		case "tax_code":
			f.read(4, in.str(&e.TaxCode))
		case "synthetic":
			f.read(5, in.boolean(&e.Synthetic))
		default:
			f.fail()
		}
	}
	return f.ok
}

func cnnttbRecognized(in *jsonIn, e *domain.CNNTTBRecognized) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "product_id":
			f.read(0, in.str(&e.ProductID))
		case "product_name":
			f.read(1, in.str(&e.ProductName))
		case "producer_name":
			f.read(2, in.str(&e.ProducerName))
		case "level":
			f.read(3, in.str((*string)(&e.Level)))
		case "round_year":
			f.read(4, in.integer(&e.RoundYear))
		case "certificate":
			f.read(5, in.str(&e.Certificate))
		case "issued_on":
			f.read(6, in.date(&e.IssuedOn))
		case "address":
			f.read(7, address(in, &e.Address))
		case "synthetic":
			f.read(8, in.boolean(&e.Synthetic))
		default:
			f.fail()
		}
	}
	return f.ok
}

func cnnttbExpired(in *jsonIn, e *domain.CNNTTBExpired) bool {
	f := in.object()
	for f.next() {
		switch string(f.key) {
		case "product_id":
			f.read(0, in.str(&e.ProductID))
		case "level":
			f.read(1, in.str((*string)(&e.Level)))
		case "certificate":
			f.read(2, in.str(&e.Certificate))
		case "expired_on":
			f.read(3, in.date(&e.ExpiredOn))
		default:
			f.fail()
		}
	}
	return f.ok
}

// parseHand decodes the commonest event types (99% of the entries of the national synthetic
// ledger) with jsonIn; false for any other type, and for any payload it refuses, leaving v as
// it was.
func parseHand(data []byte, v any) bool {
	in := &jsonIn{d: data}
	switch e := v.(type) {
	case *domain.ListingCreated:
		return hand(in, e, listingCreated)
	case *domain.ListingRemoved:
		return hand(in, e, listingRemoved)
	case *domain.TradeEventParticipation:
		return hand(in, e, participation)
	case *domain.TradeEventHeld:
		return hand(in, e, tradeEventHeld)
	case *domain.OCOPCertified:
		return hand(in, e, ocopCertified)
	case *domain.OCOPReevaluated:
		return hand(in, e, ocopReevaluated)
	case *domain.OCOPExpired:
		return hand(in, e, ocopExpired)
	case *domain.OCOPExpiryNoticed:
		return hand(in, e, ocopExpiryNoticed)
	case *domain.ProducerRegistered:
		return hand(in, e, producerRegistered)
	case *domain.CNNTTBRecognized:
		return hand(in, e, cnnttbRecognized)
	case *domain.CNNTTBExpired:
		return hand(in, e, cnnttbExpired)
	}
	return false
}

// hand reads an event of type T into a value of its own, and sets *v to it if read accepts the
// whole payload.
func hand[T any](in *jsonIn, v *T, read func(*jsonIn, *T) bool) bool {
	var x T
	if !read(in, &x) || !in.end() {
		return false
	}
	*v = x
	return true
}
