package projections

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"

	"github.com/ocopledger/ocopledger/domain"
)

// The binary encoding is the read models' private cache format for event payloads, several times
// faster to decode than the JSON of the event store, which stays the format of record. It is
// written by appendBinary and read by decodeBinary: a format byte, then
//
//   - binaryFormat (1): the event's fields in the order of its cases in those two functions, each as
//
//     string, enum              uvarint length, then the bytes
//     int, Stars, Date          varint (zigzag)
//     float64                   8 bytes, IEEE 754 bits, little-endian
//     bool                      1 byte, 0 or 1
//     struct (Address…)         its fields in order
//     *Address                  1 byte, 0 for nil or 1 followed by the Address
//     slice, map, RawMessage    uvarint 0 for nil, else the length + 1; then the elements (map
//     entries as key and value, keys in increasing order)
//
//   - jsonFormat (2): the event's JSON, for a type of the catalogue that has no case in them
//     (a new type works before anyone writes its codec; it is decoded as the log's JSON is, and
//     exactly but for the spacing within raw JSON fields, which encoding/json compacts).
//
// The type name is not written: it is stored beside the bytes, as it is beside the JSON.
// Decoding is exact: decodeBinary(e.EventType(), appendBinary(nil, e)) is reflect.DeepEqual to
// e, nil and empty slices, maps and pointers included, so it is equal to what domain.Decode
// returns for the JSON of e. Any change to the layout of any type must bump binaryFormat, so that
// bytes an older build wrote are refused (and rebuilt from the log) rather than misread.
const (
	binaryFormat byte = 1
	jsonFormat   byte = 2
)

// appendBinary appends the cache encoding of e to b. e is an event value of the catalogue, as
// domain.Decode returns it (not a pointer); anything else is refused and b is returned unchanged.
// A type has a case here and one in decodeBinary, reading its fields in the order written; one
// without is cached as its JSON.
func appendBinary(b []byte, e domain.Event) ([]byte, error) {
	w := binWriter(append(b, binaryFormat))
	switch e := e.(type) {
	case domain.ProducerRegistered:
		w.str(e.ProducerID)
		w.str(e.Name)
		w.str(string(e.Kind))
		w.address(e.Address)
		w.str(e.TaxCode)
		w.bool(e.Synthetic)
	case domain.ProducerChanged:
		w.str(e.ProducerID)
		w.str(e.Name)
		w.str(string(e.Kind))
		w.addressPtr(e.Address)
		w.int(int64(e.Effective))
	case domain.OCOPCertified:
		w.str(e.ProductID)
		w.str(e.ProductName)
		w.str(e.ProducerID)
		w.str(e.ProducerName)
		w.str(string(e.ProducerKind))
		w.str(string(e.ProductSet))
		w.int(int64(e.Stars))
		w.float(e.Score)
		w.decision(e.Decision)
		w.address(e.Address)
		w.bool(e.Synthetic)
	case domain.OCOPReevaluated:
		w.str(e.ProductID)
		w.str(e.Supersedes)
		w.str(string(e.Outcome))
		w.int(int64(e.Stars))
		w.float(e.Score)
		w.decision(e.Decision)
		w.str(e.ProductName)
		w.addressPtr(e.Address)
	case domain.OCOPRevoked:
		w.str(e.ProductID)
		w.str(e.Certificate)
		w.str(string(e.Reason))
		w.decision(e.Decision)
		w.str(e.ReasonDetail)
	case domain.OCOPExpired:
		w.str(e.ProductID)
		w.str(e.Certificate)
		w.int(int64(e.ExpiredOn))
	case domain.OCOPExpiryNoticed:
		w.str(e.ProductID)
		w.str(e.Certificate)
		w.int(int64(e.ExpiresOn))
		w.int(int64(e.NoticedOn))
	case domain.OCOPPotentialFiveStar:
		w.str(e.ProductID)
		w.int(int64(e.Date))
		w.str(e.Decision)
		w.str(e.Note)
	case domain.CNNTTBRecognized:
		w.str(e.ProductID)
		w.str(e.ProductName)
		w.str(e.ProducerName)
		w.str(string(e.Level))
		w.int(int64(e.RoundYear))
		w.str(e.Certificate)
		w.int(int64(e.IssuedOn))
		w.address(e.Address)
		w.bool(e.Synthetic)
	case domain.CNNTTBExpired:
		w.str(e.ProductID)
		w.str(string(e.Level))
		w.str(e.Certificate)
		w.int(int64(e.ExpiredOn))
	case domain.SalesPointOpened:
		w.str(e.SalesPointID)
		w.str(e.Name)
		w.str(string(e.SiteType))
		w.str(string(e.Funding))
		w.str(e.Operator)
		w.address(e.Address)
		w.int(int64(e.OpenedOn))
		w.bool(e.Synthetic)
	case domain.SalesPointClosed:
		w.str(e.SalesPointID)
		w.int(int64(e.ClosedOn))
		w.str(e.Reason)
	case domain.TradeEventHeld:
		w.str(e.TradeEventID)
		w.str(string(e.Kind))
		w.str(e.Name)
		w.int(int64(e.StartDate))
		w.int(int64(e.EndDate))
		w.str(e.Venue)
		w.str(e.Organiser)
		w.address(e.Address)
		w.bool(e.Synthetic)
	case domain.TradeEventParticipation:
		w.str(e.TradeEventID)
		w.str(e.BusinessID)
		w.str(e.BusinessName)
		w.bool(e.Synthetic)
	case domain.ListingCreated:
		w.str(e.ListingID)
		w.str(string(e.Platform))
		w.str(e.ProductName)
		w.str(e.ProductID)
		w.bool(e.OCOP)
		w.str(e.BusinessID)
		w.str(e.BusinessName)
		w.int(int64(e.ListedOn))
		w.bool(e.Synthetic)
	case domain.ListingRemoved:
		w.str(e.ListingID)
		w.int(int64(e.RemovedOn))
		w.str(e.Reason)
	case domain.UnitsMerged:
		w.str(e.ReorganisationID)
		w.int(int64(e.Effective))
		w.str(e.LegalBasis)
		w.count(len(e.Units), e.Units == nil)
		for _, u := range e.Units {
			w.str(u.OldCommune)
			w.str(u.OldDistrict)
			w.str(u.OldProvince)
			w.str(u.NewCommune)
			w.str(u.NewProvince)
		}
	case domain.ReportFiled:
		w.str(e.ReportID)
		w.str(e.DocumentNumber)
		w.str(e.Title)
		w.str(e.Issuer)
		w.str(e.Recipient)
		w.int(int64(e.Date))
		w.int(int64(e.AsOf))
		w.int(int64(e.PeriodFrom))
		w.count(len(e.Figures), e.Figures == nil)
		for _, k := range slices.Sorted(maps.Keys(e.Figures)) {
			w.str(k)
			w.int(e.Figures[k])
		}
	case domain.EventRetracted:
		w.str(e.TargetStream)
		w.str(e.TargetID)
		w.str(e.Reason)
	case domain.EventAmended:
		w.str(e.TargetStream)
		w.str(e.TargetID)
		w.str(e.TargetType)
		w.str(e.Reason)
		w.count(len(e.Replacement), e.Replacement == nil)
		w = append(w, e.Replacement...)
	case domain.QuarantineAcknowledged:
		w.int(int64(e.Position))
		w.str(e.ReasonSeen)
		w.str(e.Note)
	case nil:
		return b, fmt.Errorf("binary encoding: the event is nil")
	default:
		if t, ok := domain.LookupEventType(e.EventType()); ok && t.GoType == reflect.TypeOf(e) {
			j, err := json.Marshal(e)
			if err != nil {
				return b, fmt.Errorf("binary encoding: %s: %w", e.EventType(), err)
			}
			return append(append(b, jsonFormat), j...), nil
		}
		return b, fmt.Errorf("binary encoding: %T has no binary encoding (events are encoded as the values domain.Decode returns)", e)
	}
	return w, nil
}

// decodeBinary decodes an event of the given stored type name from appendBinary's output. It
// refuses an unknown type, another format and bytes that are truncated, garbled or left over,
// with an error that says where. The event does not share memory with b, which may be reused;
// its strings share one copy of b, so keeping any of them keeps that copy.
func decodeBinary(typ string, b []byte) (domain.Event, error) {
	r := binReader{typ: typ, b: b}
	switch {
	case !domain.KnownType(typ):
		return nil, fmt.Errorf("binary event: %q is not a known event type", typ)
	case len(b) == 0:
		return nil, fmt.Errorf("binary %s: empty input, not even a format byte", typ)
	case b[0] == jsonFormat:
		return decodeJSONFormat(typ, b[1:])
	case b[0] != binaryFormat:
		return nil, fmt.Errorf("binary %s: format %d is not known; this build reads formats %d and %d", typ, b[0], binaryFormat, jsonFormat)
	}
	r.s, r.off = string(b), 1
	switch typ {
	case domain.TypeProducerRegistered:
		return r.done(domain.ProducerRegistered{ProducerID: r.str(), Name: r.str(), Kind: domain.ProducerKind(r.str()),
			Address: r.address(), TaxCode: r.str(), Synthetic: r.bool()})
	case domain.TypeProducerChanged:
		return r.done(domain.ProducerChanged{ProducerID: r.str(), Name: r.str(), Kind: domain.ProducerKind(r.str()),
			Address: r.addressPtr(), Effective: r.date()})
	case domain.TypeOCOPCertified:
		return r.done(domain.OCOPCertified{ProductID: r.str(), ProductName: r.str(), ProducerID: r.str(), ProducerName: r.str(),
			ProducerKind: domain.ProducerKind(r.str()), ProductSet: domain.ProductSet(r.str()), Stars: domain.Stars(r.int()), Score: r.float(),
			Decision: r.decision(), Address: r.address(), Synthetic: r.bool()})
	case domain.TypeOCOPReevaluated:
		return r.done(domain.OCOPReevaluated{ProductID: r.str(), Supersedes: r.str(), Outcome: domain.ReevalOutcome(r.str()),
			Stars: domain.Stars(r.int()), Score: r.float(), Decision: r.decision(), ProductName: r.str(), Address: r.addressPtr()})
	case domain.TypeOCOPRevoked:
		return r.done(domain.OCOPRevoked{ProductID: r.str(), Certificate: r.str(), Reason: domain.RevocationReason(r.str()),
			Decision: r.decision(), ReasonDetail: r.str()})
	case domain.TypeOCOPExpired:
		return r.done(domain.OCOPExpired{ProductID: r.str(), Certificate: r.str(), ExpiredOn: r.date()})
	case domain.TypeOCOPExpiryNoticed:
		return r.done(domain.OCOPExpiryNoticed{ProductID: r.str(), Certificate: r.str(), ExpiresOn: r.date(), NoticedOn: r.date()})
	case domain.TypeOCOPPotentialFiveStar:
		return r.done(domain.OCOPPotentialFiveStar{ProductID: r.str(), Date: r.date(), Decision: r.str(), Note: r.str()})
	case domain.TypeCNNTTBRecognized:
		return r.done(domain.CNNTTBRecognized{ProductID: r.str(), ProductName: r.str(), ProducerName: r.str(),
			Level: domain.CNNTTBLevel(r.str()), RoundYear: r.int(), Certificate: r.str(), IssuedOn: r.date(),
			Address: r.address(), Synthetic: r.bool()})
	case domain.TypeCNNTTBExpired:
		return r.done(domain.CNNTTBExpired{ProductID: r.str(), Level: domain.CNNTTBLevel(r.str()), Certificate: r.str(), ExpiredOn: r.date()})
	case domain.TypeSalesPointOpened:
		return r.done(domain.SalesPointOpened{SalesPointID: r.str(), Name: r.str(), SiteType: domain.SiteType(r.str()),
			Funding: domain.Funding(r.str()), Operator: r.str(), Address: r.address(), OpenedOn: r.date(), Synthetic: r.bool()})
	case domain.TypeSalesPointClosed:
		return r.done(domain.SalesPointClosed{SalesPointID: r.str(), ClosedOn: r.date(), Reason: r.str()})
	case domain.TypeTradeEventHeld:
		return r.done(domain.TradeEventHeld{TradeEventID: r.str(), Kind: domain.TradeEventKind(r.str()), Name: r.str(),
			StartDate: r.date(), EndDate: r.date(), Venue: r.str(), Organiser: r.str(), Address: r.address(), Synthetic: r.bool()})
	case domain.TypeTradeEventJoined:
		return r.done(domain.TradeEventParticipation{TradeEventID: r.str(), BusinessID: r.str(), BusinessName: r.str(), Synthetic: r.bool()})
	case domain.TypeListingCreated:
		return r.done(domain.ListingCreated{ListingID: r.str(), Platform: domain.Platform(r.str()), ProductName: r.str(), ProductID: r.str(),
			OCOP: r.bool(), BusinessID: r.str(), BusinessName: r.str(), ListedOn: r.date(), Synthetic: r.bool()})
	case domain.TypeListingRemoved:
		return r.done(domain.ListingRemoved{ListingID: r.str(), RemovedOn: r.date(), Reason: r.str()})
	case domain.TypeUnitsMerged:
		return r.done(domain.UnitsMerged{ReorganisationID: r.str(), Effective: r.date(), LegalBasis: r.str(), Units: r.units()})
	case domain.TypeReportFiled:
		return r.done(domain.ReportFiled{ReportID: r.str(), DocumentNumber: r.str(), Title: r.str(), Issuer: r.str(),
			Recipient: r.str(), Date: r.date(), AsOf: r.date(), PeriodFrom: r.date(), Figures: r.figures()})
	case domain.TypeEventRetracted:
		return r.done(domain.EventRetracted{TargetStream: r.str(), TargetID: r.str(), Reason: r.str()})
	case domain.TypeEventAmended:
		return r.done(domain.EventAmended{TargetStream: r.str(), TargetID: r.str(), TargetType: r.str(), Reason: r.str(),
			Replacement: r.bytes()})
	case domain.TypeQuarantineAcknowledged:
		return r.done(domain.QuarantineAcknowledged{Position: r.int(), ReasonSeen: r.str(), Note: r.str()})
	}
	return nil, fmt.Errorf("binary %s: format %d is not known for this type; it is cached in format %d", typ, binaryFormat, jsonFormat)
}

// decodeJSONFormat decodes the JSON an event of the type was cached as.
func decodeJSONFormat(typ string, data []byte) (domain.Event, error) {
	t, _ := domain.LookupEventType(typ)
	e, err := domain.Decode(typ, t.Schema, data)
	if err != nil {
		return nil, fmt.Errorf("binary %s: %w", typ, err)
	}
	return e, nil
}

// binWriter appends the encoding of values to a buffer.
type binWriter []byte

func (w *binWriter) str(s string) {
	*w = append(binary.AppendUvarint(*w, uint64(len(s))), s...)
}

func (w *binWriter) int(v int64) { *w = binary.AppendVarint(*w, v) }

func (w *binWriter) float(f float64) { *w = binary.LittleEndian.AppendUint64(*w, math.Float64bits(f)) }

func (w *binWriter) bool(v bool) {
	if v {
		*w = append(*w, 1)
	} else {
		*w = append(*w, 0)
	}
}

// count writes the length of a slice or map, 0 for nil.
func (w *binWriter) count(n int, isNil bool) {
	if isNil {
		*w = append(*w, 0)
		return
	}
	*w = binary.AppendUvarint(*w, uint64(n)+1)
}

func (w *binWriter) address(a domain.Address) {
	w.str(a.Detail)
	w.str(a.Commune)
	w.str(a.District)
	w.str(a.Province)
}

func (w *binWriter) addressPtr(a *domain.Address) {
	w.bool(a != nil)
	if a != nil {
		w.address(*a)
	}
}

func (w *binWriter) decision(d domain.Decision) {
	w.str(d.Number)
	w.int(int64(d.Date))
	w.str(string(d.Authority))
	w.str(d.Issuer)
}

// binReader reads values from AppendBinary's output. The first error sticks: later reads return
// zero values, and done reports it.
type binReader struct {
	typ string
	b   []byte
	s   string // string(b): the decoded strings are slices of it
	off int
	err error
}

func (r *binReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("binary "+r.typ+": "+format, args...)
	}
}

// truncated fails: what needs more bytes than are left.
func (r *binReader) truncated(what string) {
	r.fail("truncated: %s at byte %d runs past the end (%d bytes)", what, r.off, len(r.b))
}

// done returns e, or the first error, or an error if bytes are left over.
func (r *binReader) done(e domain.Event) (domain.Event, error) {
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d bytes left over after the event, from byte %d", len(r.b)-r.off, r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	return e, nil
}

func (r *binReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	if r.off < len(r.b) && r.b[r.off] < 0x80 {
		r.off++
		return uint64(r.b[r.off-1])
	}
	v, n := binary.Uvarint(r.b[r.off:])
	switch {
	case n == 0:
		r.truncated("a number")
		return 0
	case n < 0:
		r.fail("the number at byte %d overflows 64 bits", r.off)
		return 0
	}
	r.off += n
	return v
}

func (r *binReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1) // zigzag, as binary.AppendVarint writes it
}

func (r *binReader) int() int {
	at := r.off
	v := r.varint()
	if int64(int(v)) != v {
		r.fail("%d at byte %d does not fit an int", v, at)
		return 0
	}
	return int(v)
}

func (r *binReader) date() domain.Date {
	at := r.off
	v := r.varint()
	if int64(domain.Date(v)) != v {
		r.fail("%d at byte %d is not a date: a date is a day number of 32 bits", v, at)
		return 0
	}
	return domain.Date(v)
}

// str reads a string; those shorter than 128 bytes, nearly all, take the short path.
func (r *binReader) str() string {
	if off := r.off; r.err == nil && off < len(r.b) {
		if n := int(r.b[off]); n < 0x80 && n < len(r.b)-off {
			r.off = off + 1 + n
			return r.s[off+1 : r.off]
		}
	}
	return r.longStr()
}

func (r *binReader) longStr() string {
	n := r.uvarint()
	if r.err != nil || n == 0 {
		return ""
	}
	if n > uint64(len(r.b)-r.off) {
		r.truncated(fmt.Sprintf("a string of %d bytes", n))
		return ""
	}
	s := r.s[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

func (r *binReader) float() float64 {
	if r.err != nil {
		return 0
	}
	if len(r.b)-r.off < 8 {
		r.truncated("a number of 8 bytes")
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.off:]))
	r.off += 8
	return f
}

func (r *binReader) bool() bool {
	if r.err != nil {
		return false
	}
	if r.off >= len(r.b) {
		r.truncated("a flag")
		return false
	}
	v := r.b[r.off]
	if v > 1 {
		r.fail("byte %d is %d, not a flag (0 or 1)", r.off, v)
		return false
	}
	r.off++
	return v == 1
}

// count reads the length of a slice or map whose elements take at least min bytes each; ok is
// false for nil (and after an error). A length the bytes left cannot hold is an error, so that
// garbage cannot make DecodeBinary allocate more than the input justifies.
func (r *binReader) count(min int) (n int, ok bool) {
	at := r.off
	v := r.uvarint()
	if r.err != nil || v == 0 {
		return 0, false
	}
	if v-1 > uint64((len(r.b)-r.off)/min) {
		r.fail("a list of %d items at byte %d cannot fit in the %d bytes left", v-1, at, len(r.b)-r.off)
		return 0, false
	}
	return int(v - 1), true
}

func (r *binReader) address() domain.Address {
	return domain.Address{Detail: r.str(), Commune: r.str(), District: r.str(), Province: r.str()}
}

func (r *binReader) addressPtr() *domain.Address {
	if !r.bool() {
		return nil
	}
	a := r.address()
	return &a
}

func (r *binReader) decision() domain.Decision {
	return domain.Decision{Number: r.str(), Date: r.date(), Authority: domain.Authority(r.str()), Issuer: r.str()}
}

func (r *binReader) units() []domain.UnitMapping {
	n, ok := r.count(5)
	if !ok {
		return nil
	}
	units := make([]domain.UnitMapping, n)
	for i := range units {
		units[i] = domain.UnitMapping{OldCommune: r.str(), OldDistrict: r.str(), OldProvince: r.str(), NewCommune: r.str(), NewProvince: r.str()}
	}
	return units
}

func (r *binReader) figures() map[string]int64 {
	n, ok := r.count(2)
	if !ok {
		return nil
	}
	m := make(map[string]int64, n)
	prev := ""
	for i := 0; i < n && r.err == nil; i++ {
		at := r.off
		k := r.str()
		if i > 0 && k <= prev {
			r.fail("the key %q at byte %d is out of order or repeated", k, at)
		}
		m[k], prev = r.varint(), k
	}
	return m
}

func (r *binReader) bytes() json.RawMessage {
	n, ok := r.count(1)
	if !ok {
		return nil
	}
	out := make([]byte, n)
	r.off += copy(out, r.b[r.off:])
	return out
}
