package domain_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// t0 is when the first event of a given history was recorded; each next one is a minute later.
var t0 = time.Date(2025, 8, 7, 9, 0, 0, 0, domain.Vietnam)

// given turns events into a recorded history in log order: IDs "e1", "e2"…, the stream from
// e.Stream(), versions 1, 2… per stream and recording times a minute apart.
func given(events ...domain.Event) []domain.Recorded {
	out := make([]domain.Recorded, 0, len(events))
	versions := map[string]uint64{}
	for i, e := range events {
		versions[e.Stream()]++
		out = append(out, domain.Recorded{
			ID:         fmt.Sprintf("e%d", i+1),
			Type:       e.EventType(),
			Stream:     e.Stream(),
			Version:    versions[e.Stream()],
			Sequence:   uint64(i + 1),
			RecordedAt: t0.Add(time.Duration(i) * time.Minute),
			Event:      e,
		})
	}
	return out
}

// day parses a date written either way; it fails the test binary on an impossible one.
func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// with returns v changed by f: a fixture with one field altered.
func with[T any](v T, f func(*T)) T {
	f(&v)
	return v
}

// refused describes the error a command must be refused with. An empty field or msg is not checked.
type refused struct {
	code  domain.Code
	field string
	msg   string // a fragment the message must contain
}

// accepted is the "then" of a command that must be accepted.
var accepted *refused

// decideCase is one given-events / when-command / then-events-or-error case.
type decideCase struct {
	name  string
	given []domain.Event
	when  domain.Event
	then  *refused // nil: the command is accepted and yields exactly the event proposed
}

func runDecide(t *testing.T, cases []decideCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := domain.Decide(given(tc.given...), tc.when)
			if tc.then == nil {
				if err != nil {
					t.Fatalf("Decide refused %s: %v; want it accepted", tc.when.EventType(), err)
				}
				if len(got) != 1 || !eventsEqual(got[0], tc.when) {
					t.Fatalf("Decide yielded %d events; want exactly the proposed %s", len(got), tc.when.EventType())
				}
				return
			}
			wantError(t, err, *tc.then)
			if got != nil {
				t.Errorf("Decide yielded %d events together with its refusal; want none", len(got))
			}
		})
	}
}

// wantError checks err against a refusal.
func wantError(t *testing.T, err error, want refused) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s error on field %q", want.code, want.field)
	}
	if got := domain.ErrorCode(err); got != want.code {
		t.Errorf("code %s; want %s (error: %v)", got, want.code, err)
	}
	if want.field != "" {
		if got := domain.ErrorField(err); got != want.field {
			t.Errorf("field %q; want %q (error: %v)", got, want.field, err)
		}
	}
	if want.msg != "" && !strings.Contains(err.Error(), want.msg) {
		t.Errorf("message %q does not mention %q", err.Error(), want.msg)
	}
}

func eventsEqual(a, b domain.Event) bool {
	if a.EventType() != b.EventType() {
		return false
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// ---- fixtures: real products of the brief, with the decisions it names ----

var (
	addrLySon    = domain.Address{Commune: "xã An Vĩnh", District: "huyện Lý Sơn", Province: "Quảng Ngãi"}
	addrCamThanh = domain.Address{Commune: "phường Cẩm Thành", District: "thành phố Quảng Ngãi", Province: "Quảng Ngãi"}
	addrIaToi    = domain.Address{Commune: "xã Ia Tơi", District: "huyện Ia H'Drai", Province: "Kon Tum"}
)

// certified returns a certificate of Tỏi Lý Sơn (product "toi-ly-son") with the given stars,
// authority, decision number and date (a decision date in either form).
func certified(stars int, a domain.Authority, number, date string) domain.OCOPCertified {
	return domain.OCOPCertified{
		ProductID: "toi-ly-son", ProductName: "Tỏi Lý Sơn",
		ProducerID: "phu-sinh", ProducerName: "Công ty TNHH Thương mại và Dịch vụ Phú Sinh", ProducerKind: "enterprise",
		ProductSet: "I.4b", Stars: domain.Stars(stars),
		Decision: domain.Decision{Number: number, Date: day(date), Authority: a},
		Address:  addrLySon,
	}
}

// cert3 is a 3★ certificate by the district, cert4 a 4★ by the province, before the 2025 reform.
func cert3(number, date string) domain.OCOPCertified {
	return certified(3, domain.AuthorityDistrict, number, date)
}

func cert4(number, date string) domain.OCOPCertified {
	return certified(4, domain.AuthorityProvince, number, date)
}

func reevaluated(supersedes string, outcome domain.ReevalOutcome, stars int, a domain.Authority, number, date string) domain.OCOPReevaluated {
	return domain.OCOPReevaluated{
		ProductID: "toi-ly-son", Supersedes: supersedes, Outcome: outcome, Stars: domain.Stars(stars),
		Decision: domain.Decision{Number: number, Date: day(date), Authority: a},
	}
}

func revoked(certificate, number, date string) domain.OCOPRevoked {
	return domain.OCOPRevoked{
		ProductID: "toi-ly-son", Certificate: certificate, Reason: "quality_violation",
		Decision: domain.Decision{Number: number, Date: day(date), Authority: domain.AuthorityProvince},
	}
}

func expired(certificate, on string) domain.OCOPExpired {
	return domain.OCOPExpired{ProductID: "toi-ly-son", Certificate: certificate, ExpiredOn: day(on)}
}

func cnnttb(level domain.CNNTTBLevel, round int, certificate, issued string) domain.CNNTTBRecognized {
	return domain.CNNTTBRecognized{
		ProductID: "bo-kho-thu-ba", ProductName: "Bò khô Thu Ba", ProducerName: "Công ty TNHH SX&TM Thu Ba",
		Level: level, RoundYear: round, Certificate: certificate, IssuedOn: day(issued), Address: addrCamThanh,
	}
}

func salesPointOpened(id string, f domain.Funding, on string) domain.SalesPointOpened {
	return domain.SalesPointOpened{
		SalesPointID: id, Name: "Điểm giới thiệu và bán sản phẩm OCOP " + id + " (synthetic)", SiteType: "tourist_site",
		Funding: f, Operator: "Đơn vị vận hành (synthetic)", Address: addrLySon, OpenedOn: day(on), Synthetic: true,
	}
}

func salesPointClosed(id, on string) domain.SalesPointClosed {
	return domain.SalesPointClosed{SalesPointID: id, ClosedOn: day(on)}
}

func fairHeld(id string, kind domain.TradeEventKind, start string) domain.TradeEventHeld {
	return domain.TradeEventHeld{
		TradeEventID: id, Kind: kind, Name: "Hội chợ " + id + " (synthetic)", StartDate: day(start), EndDate: day(start).AddDays(4),
		Venue: "Quảng trường Phạm Văn Đồng", Organiser: "Sở Công Thương Quảng Ngãi", Address: addrCamThanh, Synthetic: true,
	}
}

func joined(event, business string) domain.TradeEventParticipation {
	return domain.TradeEventParticipation{TradeEventID: event, BusinessID: business, BusinessName: "Doanh nghiệp " + business + " (synthetic)", Synthetic: true}
}

func listed(id string, p domain.Platform, ocop bool, product, business, on string) domain.ListingCreated {
	return domain.ListingCreated{
		ListingID: id, Platform: p, ProductName: "Sản phẩm " + product + " (synthetic)", ProductID: product, OCOP: ocop,
		BusinessID: business, BusinessName: "Cơ sở " + business + " (synthetic)", ListedOn: day(on), Synthetic: true,
	}
}

func producer(id string) domain.ProducerRegistered {
	return domain.ProducerRegistered{ProducerID: id, Name: "Công ty TNHH Thương mại và Dịch vụ Phú Sinh", Kind: "enterprise", Address: addrLySon}
}

// retract and amend target an event of the given history by ID.
func retract(stream, id string) domain.EventRetracted {
	return domain.EventRetracted{TargetStream: stream, TargetID: id, Reason: "nhập nhầm (entered in error)"}
}

func amend(target string, replacement domain.Event) domain.EventAmended {
	raw, err := json.Marshal(replacement)
	if err != nil {
		panic(err)
	}
	return domain.EventAmended{TargetStream: replacement.Stream(), TargetID: target, TargetType: replacement.EventType(),
		Reason: "sai số liệu (wrong figure)", Replacement: raw}
}
