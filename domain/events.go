package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Event is a fact of the programme, in the past tense. Its type name and schema version are
// constants written here, never derived from Go names, so a rename cannot orphan stored history.
type Event interface {
	EventType() string
	SchemaVersion() int
	// Stream is the aggregate stream the event belongs to, "<kind>.<id>", e.g. "product.qn-toi-ly-son".
	Stream() string
	// Validate checks the event on its own, without history; errors name the field.
	Validate() error
}

// Event type names. Stored history depends on these strings: never change one.
const (
	TypeProducerRegistered    = "producer.registered"
	TypeProducerChanged       = "producer.changed"
	TypeOCOPCertified         = "ocop.certified"
	TypeOCOPReevaluated       = "ocop.reevaluated"
	TypeOCOPRevoked           = "ocop.revoked"
	TypeOCOPExpired           = "ocop.expired"
	TypeOCOPExpiryNoticed     = "ocop.expiry_noticed"
	TypeOCOPPotentialFiveStar = "ocop.potential_5star"
	TypeCNNTTBRecognized      = "cnnttb.recognized"
	TypeCNNTTBExpired         = "cnnttb.expired"
	TypeSalesPointOpened      = "salespoint.opened"
	TypeSalesPointClosed      = "salespoint.closed"
	TypeTradeEventHeld        = "trade_event.held"
	TypeTradeEventJoined      = "trade_event.participation"
	TypeListingCreated        = "listing.created"
	TypeListingRemoved        = "listing.removed"
	TypeUnitsMerged           = "admin.units_merged"
	TypeReportFiled           = "report.filed"
	TypeEventRetracted        = "correction.retracted"
	TypeEventAmended          = "correction.amended"
	// TypeQuarantineAcknowledged is an admin's acknowledgement of a quarantined entry.
	TypeQuarantineAcknowledged = "correction.quarantine_acknowledged"
)

// Stream kinds: the first token of a stream name.
const (
	KindProducer   = "producer"
	KindProduct    = "product"
	KindCNNTTB     = "cnnttb"
	KindSalesPoint = "salespoint"
	KindTradeEvent = "tradeevent"
	KindListing    = "listing"
	KindAdmin      = "admin"
	KindReport     = "report"
	KindLedger     = "ledger" // the ledger's own records, e.g. ledger.quarantine
)

// QuarantineStream is the stream of the acknowledgements of quarantined entries.
const QuarantineStream = KindLedger + ".quarantine"

// ---- producers ----

// ProducerRegistered records an OCOP producer ("chủ thể OCOP").
type ProducerRegistered struct {
	ProducerID string       `json:"producer_id"`
	Name       string       `json:"name"`
	Kind       ProducerKind `json:"kind"`
	Address    Address      `json:"address"`
	TaxCode    string       `json:"tax_code,omitempty"`
	Synthetic  bool         `json:"synthetic,omitempty"` // demo data that is not a real record
}

func (ProducerRegistered) EventType() string  { return TypeProducerRegistered }
func (ProducerRegistered) SchemaVersion() int { return 1 }
func (e ProducerRegistered) Stream() string   { return KindProducer + "." + e.ProducerID }
func (e ProducerRegistered) Validate() error {
	return first(checkValues(e), checkID("producer_id", e.ProducerID), checkText("name", e.Name, 300),
		producerKinds.check("kind", e.Kind), e.Address.check("address"))
}

// ProducerChanged records a change of a producer's name, kind or address (e.g. a cooperative
// group that became a cooperative). Empty fields are unchanged.
type ProducerChanged struct {
	ProducerID string       `json:"producer_id"`
	Name       string       `json:"name,omitempty"`
	Kind       ProducerKind `json:"kind,omitempty"`
	Address    *Address     `json:"address,omitempty"`
	Effective  Date         `json:"effective"`
}

func (ProducerChanged) EventType() string  { return TypeProducerChanged }
func (ProducerChanged) SchemaVersion() int { return 1 }
func (e ProducerChanged) Stream() string   { return KindProducer + "." + e.ProducerID }
func (e ProducerChanged) Validate() error {
	err := first(checkValues(e), checkID("producer_id", e.ProducerID), checkDate("effective", e.Effective))
	if err == nil && e.Kind != "" {
		err = producerKinds.check("kind", e.Kind)
	}
	if err == nil && e.Address != nil {
		err = e.Address.check("address")
	}
	if err == nil && e.Name == "" && e.Kind == "" && e.Address == nil {
		err = Invalid("", "nothing changes: give a new name, kind or address")
	}
	return err
}

// ---- OCOP certification ----

// OCOPCertified records an OCOP certificate issued to a product that holds no valid certificate.
type OCOPCertified struct {
	ProductID    string       `json:"product_id"`
	ProductName  string       `json:"product_name"`
	ProducerID   string       `json:"producer_id"`
	ProducerName string       `json:"producer_name"`
	ProducerKind ProducerKind `json:"producer_kind"`
	ProductSet   ProductSet   `json:"product_set"`
	Stars        Stars        `json:"stars"`
	Score        float64      `json:"score,omitempty"` // out of 100; optional, but must fit the stars when given
	Decision     Decision     `json:"decision"`
	Address      Address      `json:"address"` // as recorded in the decision
	Synthetic    bool         `json:"synthetic,omitempty"`
}

func (OCOPCertified) EventType() string  { return TypeOCOPCertified }
func (OCOPCertified) SchemaVersion() int { return 1 }
func (e OCOPCertified) Stream() string   { return KindProduct + "." + e.ProductID }
func (e OCOPCertified) Validate() error {
	return first(checkValues(e), checkID("product_id", e.ProductID), checkText("product_name", e.ProductName, 300),
		checkID("producer_id", e.ProducerID), checkText("producer_name", e.ProducerName, 300),
		producerKinds.check("producer_kind", e.ProducerKind), productSets.check("product_set", e.ProductSet),
		e.Stars.check("stars"), checkScore("score", e.Score, e.Stars), e.Decision.check("decision"),
		checkAuthority("decision.authority", e.Stars, e.Decision), e.Address.check("address"))
}

// OCOPReevaluated records a re-evaluation ("đánh giá lại"): a new decision that supersedes the
// product's valid certificate and keeps, raises or lowers its stars.
type OCOPReevaluated struct {
	ProductID   string        `json:"product_id"`
	Supersedes  string        `json:"supersedes"` // the decision number of the certificate it replaces
	Outcome     ReevalOutcome `json:"outcome"`
	Stars       Stars         `json:"stars"`
	Score       float64       `json:"score,omitempty"`
	Decision    Decision      `json:"decision"`
	ProductName string        `json:"product_name,omitempty"` // when the product was renamed
	Address     *Address      `json:"address,omitempty"`      // when the address in the decision changed
}

func (OCOPReevaluated) EventType() string  { return TypeOCOPReevaluated }
func (OCOPReevaluated) SchemaVersion() int { return 1 }
func (e OCOPReevaluated) Stream() string   { return KindProduct + "." + e.ProductID }
func (e OCOPReevaluated) Validate() error {
	err := first(checkValues(e), checkID("product_id", e.ProductID), checkText("supersedes", e.Supersedes, 60),
		outcomes.check("outcome", e.Outcome), e.Stars.check("stars"), checkScore("score", e.Score, e.Stars),
		e.Decision.check("decision"), checkAuthority("decision.authority", e.Stars, e.Decision))
	if err == nil && e.Address != nil {
		err = e.Address.check("address")
	}
	return err
}

// OCOPRevoked records the revocation ("thu hồi") of a certificate.
type OCOPRevoked struct {
	ProductID    string           `json:"product_id"`
	Certificate  string           `json:"certificate"` // decision number of the revoked certificate
	Reason       RevocationReason `json:"reason"`
	Decision     Decision         `json:"decision"` // the revocation decision; its date ends validity
	ReasonDetail string           `json:"reason_detail,omitempty"`
}

func (OCOPRevoked) EventType() string  { return TypeOCOPRevoked }
func (OCOPRevoked) SchemaVersion() int { return 1 }
func (e OCOPRevoked) Stream() string   { return KindProduct + "." + e.ProductID }
func (e OCOPRevoked) Validate() error {
	return first(checkValues(e), checkID("product_id", e.ProductID), checkText("certificate", e.Certificate, 60),
		revocationReasons.check("reason", e.Reason), e.Decision.check("decision"))
}

// OCOPExpired records that a certificate reached the end of its 36 months without re-evaluation.
// Validity itself follows from the decision date; this event is the ledger's observation of it,
// recorded once, on or after the day.
type OCOPExpired struct {
	ProductID   string `json:"product_id"`
	Certificate string `json:"certificate"`
	ExpiredOn   Date   `json:"expired_on"` // first day no longer valid
}

func (OCOPExpired) EventType() string  { return TypeOCOPExpired }
func (OCOPExpired) SchemaVersion() int { return 1 }
func (e OCOPExpired) Stream() string   { return KindProduct + "." + e.ProductID }
func (e OCOPExpired) Validate() error {
	return first(checkValues(e), checkID("product_id", e.ProductID), checkText("certificate", e.Certificate, 60), checkDate("expired_on", e.ExpiredOn))
}

// OCOPExpiryNoticed records that the producer was (or must be) notified that a certificate ends
// within 30 days.
type OCOPExpiryNoticed struct {
	ProductID   string `json:"product_id"`
	Certificate string `json:"certificate"`
	ExpiresOn   Date   `json:"expires_on"`
	NoticedOn   Date   `json:"noticed_on"`
}

func (OCOPExpiryNoticed) EventType() string  { return TypeOCOPExpiryNoticed }
func (OCOPExpiryNoticed) SchemaVersion() int { return 1 }
func (e OCOPExpiryNoticed) Stream() string   { return KindProduct + "." + e.ProductID }
func (e OCOPExpiryNoticed) Validate() error {
	err := first(checkValues(e), checkID("product_id", e.ProductID), checkText("certificate", e.Certificate, 60),
		checkDate("expires_on", e.ExpiresOn), checkDate("noticed_on", e.NoticedOn))
	if err == nil && e.NoticedOn > e.ExpiresOn {
		err = Invalid("noticed_on", "%s is after the expiry %s", e.NoticedOn.VN(), e.ExpiresOn.VN())
	}
	return err
}

// OCOPPotentialFiveStar records that a provincially certified product is a "potential 5★"
// ("tiềm năng 5 sao") awaiting central evaluation. It is a status, not a star level.
type OCOPPotentialFiveStar struct {
	ProductID string `json:"product_id"`
	Date      Date   `json:"date"`
	Decision  string `json:"decision,omitempty"`
	Note      string `json:"note,omitempty"`
}

func (OCOPPotentialFiveStar) EventType() string  { return TypeOCOPPotentialFiveStar }
func (OCOPPotentialFiveStar) SchemaVersion() int { return 1 }
func (e OCOPPotentialFiveStar) Stream() string   { return KindProduct + "." + e.ProductID }
func (e OCOPPotentialFiveStar) Validate() error {
	return first(checkValues(e), checkID("product_id", e.ProductID), checkDate("date", e.Date))
}

// ---- CNNTTB ----

// CNNTTBRecognized records a product recognised as a typical rural industrial product.
type CNNTTBRecognized struct {
	ProductID    string      `json:"product_id"`
	ProductName  string      `json:"product_name"`
	ProducerName string      `json:"producer_name"`
	Level        CNNTTBLevel `json:"level"`
	RoundYear    int         `json:"round_year"`
	Certificate  string      `json:"certificate"` // certificate or decision number
	IssuedOn     Date        `json:"issued_on"`
	Address      Address     `json:"address"`
	Synthetic    bool        `json:"synthetic,omitempty"`
}

func (CNNTTBRecognized) EventType() string  { return TypeCNNTTBRecognized }
func (CNNTTBRecognized) SchemaVersion() int { return 1 }
func (e CNNTTBRecognized) Stream() string   { return KindCNNTTB + "." + e.ProductID }
func (e CNNTTBRecognized) Validate() error {
	err := first(checkValues(e), checkID("product_id", e.ProductID), checkText("product_name", e.ProductName, 300),
		checkText("producer_name", e.ProducerName, 300), cnnttbLevels.check("level", e.Level),
		checkText("certificate", e.Certificate, 60), checkDate("issued_on", e.IssuedOn), e.Address.check("address"))
	if err != nil {
		return err
	}
	if err := checkYear("round_year", e.RoundYear); err != nil {
		return err
	}
	if y := e.IssuedOn.Year(); y < e.RoundYear || y > e.RoundYear+1 {
		return Invalid("issued_on", "%s does not belong to the %d round (certificates are issued in the round's year or the next)", e.IssuedOn.VN(), e.RoundYear)
	}
	if !CNNTTBLevelOpen(e.Level, e.IssuedOn) {
		if e.Level == LevelDistrict {
			return Invalid("level", "district-level recognition ended on 30/06/2025; from 01/07/2025 the level is commune")
		}
		return Invalid("level", "commune-level recognition starts on 01/07/2025; before that the level is district")
	}
	return nil
}

// CNNTTBExpired records that a CNNTTB certificate reached 31 December of its fourth year.
type CNNTTBExpired struct {
	ProductID   string      `json:"product_id"`
	Level       CNNTTBLevel `json:"level"`
	Certificate string      `json:"certificate"`
	ExpiredOn   Date        `json:"expired_on"` // first day no longer valid (1 January)
}

func (CNNTTBExpired) EventType() string  { return TypeCNNTTBExpired }
func (CNNTTBExpired) SchemaVersion() int { return 1 }
func (e CNNTTBExpired) Stream() string   { return KindCNNTTB + "." + e.ProductID }
func (e CNNTTBExpired) Validate() error {
	return first(checkValues(e), checkID("product_id", e.ProductID), cnnttbLevels.check("level", e.Level),
		checkText("certificate", e.Certificate, 60), checkDate("expired_on", e.ExpiredOn))
}

// ---- sales points ----

// SalesPointOpened records an OCOP introduction-and-sales point opening (QĐ 950/QĐ-BCT).
type SalesPointOpened struct {
	SalesPointID string   `json:"salespoint_id"`
	Name         string   `json:"name"`
	SiteType     SiteType `json:"site_type"`
	Funding      Funding  `json:"funding"`
	Operator     string   `json:"operator"`
	Address      Address  `json:"address"`
	OpenedOn     Date     `json:"opened_on"`
	Synthetic    bool     `json:"synthetic,omitempty"`
}

func (SalesPointOpened) EventType() string  { return TypeSalesPointOpened }
func (SalesPointOpened) SchemaVersion() int { return 1 }
func (e SalesPointOpened) Stream() string   { return KindSalesPoint + "." + e.SalesPointID }
func (e SalesPointOpened) Validate() error {
	return first(checkValues(e), checkID("salespoint_id", e.SalesPointID), checkText("name", e.Name, 300),
		siteTypes.check("site_type", e.SiteType), fundings.check("funding", e.Funding),
		checkText("operator", e.Operator, 300), e.Address.check("address"), checkDate("opened_on", e.OpenedOn))
}

// SalesPointClosed records a sales point closing.
type SalesPointClosed struct {
	SalesPointID string `json:"salespoint_id"`
	ClosedOn     Date   `json:"closed_on"`
	Reason       string `json:"reason,omitempty"`
}

func (SalesPointClosed) EventType() string  { return TypeSalesPointClosed }
func (SalesPointClosed) SchemaVersion() int { return 1 }
func (e SalesPointClosed) Stream() string   { return KindSalesPoint + "." + e.SalesPointID }
func (e SalesPointClosed) Validate() error {
	return first(checkValues(e), checkID("salespoint_id", e.SalesPointID), checkDate("closed_on", e.ClosedOn))
}

// ---- trade promotion ----

// TradeEventHeld records a trade-promotion event: a fair, a market session, a conference.
type TradeEventHeld struct {
	TradeEventID string         `json:"trade_event_id"`
	Kind         TradeEventKind `json:"kind"`
	Name         string         `json:"name"`
	StartDate    Date           `json:"start_date"`
	EndDate      Date           `json:"end_date"`
	Venue        string         `json:"venue"`
	Organiser    string         `json:"organiser"`
	Address      Address        `json:"address"`
	Synthetic    bool           `json:"synthetic,omitempty"`
}

func (TradeEventHeld) EventType() string  { return TypeTradeEventHeld }
func (TradeEventHeld) SchemaVersion() int { return 1 }
func (e TradeEventHeld) Stream() string   { return KindTradeEvent + "." + e.TradeEventID }
func (e TradeEventHeld) Validate() error {
	err := first(checkValues(e), checkID("trade_event_id", e.TradeEventID), tradeEventKinds.check("kind", e.Kind),
		checkText("name", e.Name, 300), checkDate("start_date", e.StartDate), checkDate("end_date", e.EndDate),
		checkText("venue", e.Venue, 300), checkText("organiser", e.Organiser, 300), e.Address.check("address"))
	if err == nil && e.EndDate < e.StartDate {
		err = Invalid("end_date", "%s is before the start %s", e.EndDate.VN(), e.StartDate.VN())
	}
	if err == nil && e.EndDate > e.StartDate.AddDays(60) {
		err = Invalid("end_date", "an event of more than 60 days (%s to %s) is not a trade event", e.StartDate.VN(), e.EndDate.VN())
	}
	return err
}

// TradeEventParticipation records a business's participation ("lượt tham gia") in an event.
type TradeEventParticipation struct {
	TradeEventID string `json:"trade_event_id"`
	BusinessID   string `json:"business_id"`
	BusinessName string `json:"business_name"`
	Synthetic    bool   `json:"synthetic,omitempty"`
}

func (TradeEventParticipation) EventType() string  { return TypeTradeEventJoined }
func (TradeEventParticipation) SchemaVersion() int { return 1 }
func (e TradeEventParticipation) Stream() string   { return KindTradeEvent + "." + e.TradeEventID }
func (e TradeEventParticipation) Validate() error {
	return first(checkValues(e), checkID("trade_event_id", e.TradeEventID), checkID("business_id", e.BusinessID),
		checkText("business_name", e.BusinessName, 300))
}

// ---- e-commerce ----

// ListingCreated records a product listed on an e-commerce platform.
type ListingCreated struct {
	ListingID    string   `json:"listing_id"`
	Platform     Platform `json:"platform"`
	ProductName  string   `json:"product_name"`
	ProductID    string   `json:"product_id,omitempty"` // the OCOP product, when it is one
	OCOP         bool     `json:"ocop"`
	BusinessID   string   `json:"business_id"`
	BusinessName string   `json:"business_name"`
	ListedOn     Date     `json:"listed_on"`
	Synthetic    bool     `json:"synthetic,omitempty"`
}

func (ListingCreated) EventType() string  { return TypeListingCreated }
func (ListingCreated) SchemaVersion() int { return 1 }
func (e ListingCreated) Stream() string   { return KindListing + "." + e.ListingID }
func (e ListingCreated) Validate() error {
	err := first(checkValues(e), checkID("listing_id", e.ListingID), platforms.check("platform", e.Platform),
		checkText("product_name", e.ProductName, 300), checkID("business_id", e.BusinessID),
		checkText("business_name", e.BusinessName, 300), checkDate("listed_on", e.ListedOn))
	if err == nil && e.OCOP && e.ProductID == "" {
		err = Invalid("product_id", "is empty: an OCOP listing must name the OCOP product")
	}
	if err == nil && e.ProductID != "" {
		err = checkID("product_id", e.ProductID)
	}
	return err
}

// ListingRemoved records a listing taken down.
type ListingRemoved struct {
	ListingID string `json:"listing_id"`
	RemovedOn Date   `json:"removed_on"`
	Reason    string `json:"reason,omitempty"`
}

func (ListingRemoved) EventType() string  { return TypeListingRemoved }
func (ListingRemoved) SchemaVersion() int { return 1 }
func (e ListingRemoved) Stream() string   { return KindListing + "." + e.ListingID }
func (e ListingRemoved) Validate() error {
	return first(checkValues(e), checkID("listing_id", e.ListingID), checkDate("removed_on", e.RemovedOn))
}

// ---- administrative units ----

// UnitMapping maps one former unit to the unit that replaced it.
type UnitMapping struct {
	OldCommune  string `json:"old_commune"`
	OldDistrict string `json:"old_district" schema:"optional"` // may be empty
	OldProvince string `json:"old_province"`                   // "Quảng Ngãi" or "Kon Tum"
	NewCommune  string `json:"new_commune"`
	NewProvince string `json:"new_province"`
}

// UnitsMerged records a reorganisation of administrative units (NQ 202/2025/QH15, NQ 1677/NQ-UBTVQH15).
type UnitsMerged struct {
	ReorganisationID string        `json:"reorganisation_id"`
	Effective        Date          `json:"effective"`
	LegalBasis       string        `json:"legal_basis"`
	Units            []UnitMapping `json:"units"`
}

func (UnitsMerged) EventType() string  { return TypeUnitsMerged }
func (UnitsMerged) SchemaVersion() int { return 1 }
func (e UnitsMerged) Stream() string   { return KindAdmin + "." + e.ReorganisationID }
func (e UnitsMerged) Validate() error {
	err := first(checkValues(e), checkID("reorganisation_id", e.ReorganisationID), checkDate("effective", e.Effective),
		checkText("legal_basis", e.LegalBasis, 300))
	if err == nil && len(e.Units) == 0 {
		err = Invalid("units", "is empty: list the units merged")
	}
	for i, u := range e.Units {
		if err != nil {
			break
		}
		f := fmt.Sprintf("units[%d]", i)
		err = first(checkText(f+".old_commune", u.OldCommune, 200), checkText(f+".old_province", u.OldProvince, 100),
			checkText(f+".new_commune", u.NewCommune, 200), checkText(f+".new_province", u.NewProvince, 100))
	}
	return err
}

// ---- reports ----

// ReportFiled records a report the Department filed, with the figures it stated.
type ReportFiled struct {
	ReportID       string           `json:"report_id"`       // stream id, e.g. "470-SCT-QLTM"
	DocumentNumber string           `json:"document_number"` // as written, e.g. "470/SCT-QLTM"
	Title          string           `json:"title"`
	Issuer         string           `json:"issuer"`
	Recipient      string           `json:"recipient,omitempty"`
	Date           Date             `json:"date"`
	AsOf           Date             `json:"as_of"`
	PeriodFrom     Date             `json:"period_from,omitempty"`
	Figures        map[string]int64 `json:"figures"`
}

func (ReportFiled) EventType() string  { return TypeReportFiled }
func (ReportFiled) SchemaVersion() int { return 1 }
func (e ReportFiled) Stream() string   { return KindReport + "." + e.ReportID }
func (e ReportFiled) Validate() error {
	err := first(checkValues(e), checkID("report_id", e.ReportID), checkText("document_number", e.DocumentNumber, 60),
		checkText("title", e.Title, 500), checkText("issuer", e.Issuer, 300), checkDate("date", e.Date), checkDate("as_of", e.AsOf))
	if err == nil && e.AsOf > e.Date {
		err = Invalid("as_of", "%s is after the report's date %s", e.AsOf.VN(), e.Date.VN())
	}
	if err == nil && e.PeriodFrom != NoDate && e.PeriodFrom != 0 {
		err = checkEra("period_from", e.PeriodFrom)
		if err == nil && e.PeriodFrom > e.AsOf {
			err = Invalid("period_from", "%s is after the day the figures are counted (as_of %s)", e.PeriodFrom.VN(), e.AsOf.VN())
		}
	}
	if err == nil && len(e.Figures) == 0 {
		err = Invalid("figures", "is empty: give the figures the report stated")
	}
	for _, id := range slices.Sorted(maps.Keys(e.Figures)) {
		if err != nil {
			break
		}
		if _, ok := LookupFigure(id); !ok {
			err = Invalid("figures."+id, "is not a known figure ID; see `ocopledger figures --list`")
		} else if e.Figures[id] < 0 {
			err = Invalid("figures."+id, "%d is negative", e.Figures[id])
		} else if e.Figures[id] > MaxCount {
			err = Invalid("figures."+id, "%d is more than %d: not a count of the programme", e.Figures[id], MaxCount)
		}
	}
	return err
}

// ReportIDFor turns a document number into a stream id: "470/SCT-QLTM" → "470-SCT-QLTM".
func ReportIDFor(documentNumber string) string {
	var b strings.Builder
	for _, r := range foldAccents(documentNumber) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// foldAccents maps the Vietnamese letters that appear in document numbers (Đ, Q Đ…) to ASCII.
func foldAccents(s string) string {
	return strings.NewReplacer("Đ", "D", "đ", "d").Replace(s)
}

// ---- corrections ----

// EventRetracted withdraws an earlier event recorded in error. The earlier event stays in the log;
// from the moment of the retraction it no longer counts. It lives in the target's stream.
type EventRetracted struct {
	TargetStream string `json:"target_stream"`
	TargetID     string `json:"target_id"`
	Reason       string `json:"reason"`
}

func (EventRetracted) EventType() string  { return TypeEventRetracted }
func (EventRetracted) SchemaVersion() int { return 1 }
func (e EventRetracted) Stream() string   { return e.TargetStream }
func (e EventRetracted) Validate() error {
	return first(checkValues(e), checkStream("target_stream", e.TargetStream), checkText("target_id", e.TargetID, 200), checkText("reason", e.Reason, 1000))
}

// EventAmended replaces the content of an earlier event with a corrected one of the same type.
// From the moment of the amendment the replacement counts instead of the original.
type EventAmended struct {
	TargetStream string          `json:"target_stream"`
	TargetID     string          `json:"target_id"`
	TargetType   string          `json:"target_type"`
	Reason       string          `json:"reason"`
	Replacement  json.RawMessage `json:"replacement"`
}

func (EventAmended) EventType() string  { return TypeEventAmended }
func (EventAmended) SchemaVersion() int { return 1 }
func (e EventAmended) Stream() string   { return e.TargetStream }
func (e EventAmended) Validate() error {
	err := first(checkValues(e), checkStream("target_stream", e.TargetStream), checkText("target_id", e.TargetID, 200), checkText("reason", e.Reason, 1000))
	if err != nil {
		return err
	}
	if !utf8.Valid(e.Replacement) {
		return checkUTF8(e.Replacement)
	}
	if e.TargetType == TypeEventAmended || e.TargetType == TypeEventRetracted {
		return Invalid("target_type", "a correction cannot be amended; retract or amend the original event")
	}
	r, err := e.Decoded()
	if err == nil {
		err = r.Validate()
	}
	if err != nil {
		return prefixField("replacement", err)
	}
	if r.Stream() != e.TargetStream {
		return Invalid("replacement", "belongs to stream %s, not %s: an amendment cannot move a fact to another record", r.Stream(), e.TargetStream)
	}
	return nil
}

// Decoded returns the replacement as an event of the target type.
func (e EventAmended) Decoded() (Event, error) {
	if len(e.Replacement) == 0 {
		return nil, Invalid("", "is empty: give the corrected event")
	}
	return Decode(e.TargetType, 1, e.Replacement)
}

// QuarantineAcknowledged records that an admin has seen an entry of the log that the read models
// quarantine (they cannot fold it: see projections.Quarantined) and why. The entry stays in the
// log and named, flagged acknowledged; the ledger no longer reports itself degraded for it.
type QuarantineAcknowledged struct {
	Position   int    `json:"position"`       // the log position of the quarantined entry
	ReasonSeen string `json:"reason_seen"`    // the reason the ledger gave, as the admin read it
	Note       string `json:"note,omitempty"` // what was done about it
}

func (QuarantineAcknowledged) EventType() string  { return TypeQuarantineAcknowledged }
func (QuarantineAcknowledged) SchemaVersion() int { return 1 }
func (QuarantineAcknowledged) Stream() string     { return QuarantineStream }
func (e QuarantineAcknowledged) Validate() error {
	if err := checkValues(e); err != nil {
		return err
	}
	if e.Position < 1 {
		return Invalid("position", "is missing: give the log position of the quarantined entry (ocopledger status)")
	}
	err := checkText("reason_seen", e.ReasonSeen, 1000)
	if err == nil && e.Note != "" {
		err = checkText("note", e.Note, 2000)
	}
	return err
}

var streamPattern = regexp.MustCompile(`^[a-z]+\.[A-Za-z0-9_-]{1,100}$`)

func checkStream(field, s string) error {
	if !streamPattern.MatchString(s) {
		return Invalid(field, "%q is not a stream name like product.<id>", s)
	}
	return nil
}

// ---- the catalogue ----

// eventTypes is the table of event types: a new type is a struct above and one line here (its
// labels are what feeds and lists show), plus what its aggregate does with it in aggregates.go.
var eventTypes = []*EventType{
	describe[ProducerRegistered]("Đăng ký chủ thể", "Producer registered"),
	describe[ProducerChanged]("Thay đổi thông tin chủ thể", "Producer changed"),
	describe[OCOPCertified]("Cấp chứng nhận OCOP", "OCOP certified"),
	describe[OCOPReevaluated]("Đánh giá lại OCOP", "OCOP re-evaluated"),
	describe[OCOPRevoked]("Thu hồi chứng nhận OCOP", "OCOP revoked"),
	describe[OCOPExpired]("Chứng nhận OCOP hết hạn", "OCOP expired"),
	// The notice is sent before the expiry it announces; the expiry lies up to 36 months ahead.
	describe[OCOPExpiryNoticed]("Thông báo sắp hết hạn", "Expiry notice sent").ahead(map[string]int{"expires_on": OCOPValidityMonths*31 + DateLeeway}),
	describe[OCOPPotentialFiveStar]("Tiềm năng 5 sao", "Potential 5-star"),
	describe[CNNTTBRecognized]("Công nhận CNNTTB", "CNNTTB recognised"),
	describe[CNNTTBExpired]("CNNTTB hết hiệu lực", "CNNTTB expired"),
	describe[SalesPointOpened]("Mở điểm bán OCOP", "Sales point opened"),
	describe[SalesPointClosed]("Đóng điểm bán OCOP", "Sales point closed"),
	// A fair is announced and recorded before it opens: up to a year ahead (and its 60 days).
	describe[TradeEventHeld]("Tổ chức sự kiện xúc tiến", "Trade event held").ahead(map[string]int{"start_date": 366, "end_date": 366 + 60}),
	describe[TradeEventParticipation]("Doanh nghiệp tham gia", "Business took part"),
	describe[ListingCreated]("Đăng sản phẩm lên sàn", "Listing created"),
	describe[ListingRemoved]("Gỡ sản phẩm khỏi sàn", "Listing removed"),
	// A reorganisation is resolved before it takes effect (NQ 202/2025/QH15: 12/06 for 01/07/2025).
	describe[UnitsMerged]("Sắp xếp đơn vị hành chính", "Administrative units merged").ahead(map[string]int{"effective": 366}),
	describe[ReportFiled]("Nộp báo cáo", "Report filed"),
	describe[EventRetracted]("Hủy mục đã ghi", "Entry retracted"),
	describe[EventAmended]("Sửa mục đã ghi", "Entry amended"),
	describe[QuarantineAcknowledged]("Xác nhận mục bị cách ly", "Quarantined entry acknowledged"),
}

// EventTypes lists every event type name, sorted.
func EventTypes() []string { return slices.Sorted(maps.Keys(eventIndex)) }

// KnownType reports whether t is an event type of the catalogue.
func KnownType(t string) bool { _, ok := eventIndex[t]; return ok }

// CatalogueVersion names the catalogue of this build (a digest of its event types with their
// schema versions): the read models record it with each entry they quarantine, so that a build
// that knows more types examines those entries again.
var CatalogueVersion = sync.OnceValue(func() string {
	h := sha256.New()
	for _, t := range EventTypes() {
		fmt.Fprintf(h, "%s@%d\n", t, eventIndex[t].Schema)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
})

// Decode parses a payload of the given type and schema version, rejecting unknown types, unknown
// fields and malformed JSON with a message that names the field. It does not Validate.
func Decode(typ string, schema int, data []byte) (Event, error) {
	return DecodeWith(nil, typ, schema, data)
}

// DecodeWith is Decode trying a faster JSON decoder first: fast fills v (a pointer to a new
// event of the type) from data and reports whether it accepted the payload. Whatever it refuses
// is decoded again by encoding/json, whose verdict and wording stand; so fast must accept only
// what encoding/json with DisallowUnknownFields accepts, to the same value. nil means none.
func DecodeWith(fast func(data []byte, v any) bool, typ string, schema int, data []byte) (Event, error) {
	t, ok := eventIndex[typ]
	if !ok {
		err := Invalid("type", "%q is not a known event type; known types: %s", typ, strings.Join(EventTypes(), ", "))
		err.Value = typ
		return nil, err
	}
	if schema != t.Schema {
		return nil, Invalid("schema", "%s has schema version %d; version %d is not known", typ, t.Schema, schema)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, Invalid("", "the payload of %s must be a JSON object", typ)
	}
	return t.decode(fast, trimmed)
}

// decodeStd decodes a payload into v with encoding/json, whose verdict on a payload is the
// ledger's, wording its errors.
func decodeStd(v any, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, data)
	}
	if dec.More() {
		return Invalid("", "there is more than one JSON value in the payload")
	}
	return nil
}

// DecodeValid is Decode followed by Validate, for a payload to record: it first refuses bytes
// that are not UTF-8, which decoding would silently replace.
func DecodeValid(typ string, schema int, data []byte) (Event, error) {
	if err := checkUTF8(data); err != nil {
		return nil, err
	}
	e, err := Decode(typ, schema, data)
	if err != nil {
		return nil, err
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// jsonError turns a decoding error into one that names the field in plain words.
func jsonError(err error, raw []byte) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var de *dateError
	var e *Error
	switch {
	case asErr(err, &de):
		var doc any
		_ = json.Unmarshal(raw, &doc)
		e = Invalid(findString(doc, "", de.value), "%v", de.err)
		e.Value = de.value
	case asErr(err, &te):
		want := goKind(te.Type.Kind().String())
		if te.Type == reflect.TypeFor[Date]() {
			want = label{`một ngày trong dấu ngoặc kép, "yyyy-mm-dd",`, `a date in quotes, "yyyy-mm-dd",`}
		}
		e = Invalid(te.Field, "has the wrong kind of value: a JSON %s where %s is expected", jsonKindName(te.Value), want)
	case asErr(err, &se):
		e = Invalid("", "the JSON is malformed at byte %d: %v", se.Offset, se)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e = Invalid(f, "is not a field of this event type (check the spelling in docs/events.md)")
	default:
		e = Invalid("", "the JSON is malformed: %v", err)
	}
	e.Err = err
	return e
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

// findString returns the JSON path of the first string equal to v in doc.
func findString(doc any, path, v string) string {
	switch x := doc.(type) {
	case string:
		if x == v {
			return path
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if f := findString(x[k], p, v); f != "" {
				return f
			}
		}
	case []any:
		for i, el := range x {
			if f := findString(el, fmt.Sprintf("%s[%d]", path, i), v); f != "" {
				return f
			}
		}
	}
	return ""
}

// goKind names, for a clerk, the JSON a Go kind is read from.
func goKind(k string) label {
	switch k {
	case "int", "int32", "int64", "float64":
		return label{"một số", "a number"}
	case "string":
		return label{"chữ trong dấu ngoặc kép", "text in quotes"}
	case "bool":
		return label{"true hoặc false", "true or false"}
	case "struct", "map":
		return label{"một đối tượng {…}", "an object"}
	case "slice":
		return label{"một danh sách […]", "a list"}
	}
	return label{k, k}
}

// jsonKindName names the kind of JSON value a json.UnmarshalTypeError found ("number",
// "number 1.5", "string", "bool", "array", "object").
func jsonKindName(v string) label {
	kind, rest, _ := strings.Cut(v, " ")
	vi, ok := map[string]string{"number": "số", "string": "chuỗi chữ", "bool": "true/false", "array": "danh sách", "object": "đối tượng"}[kind]
	if !ok {
		return label{v, v}
	}
	if rest != "" {
		vi += " " + rest
	}
	return label{vi, v}
}

func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
