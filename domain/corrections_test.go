package domain_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

const productStream = "product.toi-ly-son"

func TestDecideCorrections(t *testing.T) {
	c4 := cert4("1425/QĐ-UBND", "2023-12-25")
	runDecide(t, []decideCase{
		{
			name:  "retract a recorded certificate",
			given: []domain.Event{c4},
			when:  retract(productStream, "e1"),
			then:  accepted,
		},
		{
			name:  "retract an unknown event",
			given: []domain.Event{c4},
			when:  retract(productStream, "e9"),
			then:  &refused{domain.CodeInvalid, "target_id", "no event e9"},
		},
		{
			name:  "retract the same event twice",
			given: []domain.Event{c4, retract(productStream, "e1")},
			when:  retract(productStream, "e1"),
			then:  &refused{domain.CodeConflict, "", "already retracted by e2"},
		},
		{
			name:  "retract a correction",
			given: []domain.Event{c4, amend("e1", with(c4, func(e *domain.OCOPCertified) { e.Score = 75 }))},
			when:  retract(productStream, "e2"),
			then:  &refused{domain.CodeInvalid, "target_id", "itself a correction"},
		},
		{
			name:  "retract a certificate that a later revocation depends on",
			given: []domain.Event{c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01")},
			when:  retract(productStream, "e1"),
			then:  &refused{domain.CodeConflict, "", "entry e2 (ocop.revoked) would no longer hold"},
		},
		{
			name:  "retract a certificate that a later re-evaluation supersedes",
			given: []domain.Event{c4, reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 5, domain.AuthorityMinistry, "2361/QĐ-BNNMT", "2025-06-26")},
			when:  retract(productStream, "e1"),
			then:  &refused{domain.CodeConflict, "", "e2"},
		},
		{
			name:  "retract the revocation, then the certificate is free to be retracted too",
			given: []domain.Event{c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01"), retract(productStream, "e2")},
			when:  retract(productStream, "e1"),
			then:  accepted,
		},
		{
			name:  "amend the score of a certificate",
			given: []domain.Event{c4},
			when:  amend("e1", with(c4, func(e *domain.OCOPCertified) { e.Score = 82.5 })),
			then:  accepted,
		},
		{
			name:  "amend with the wrong target_type",
			given: []domain.Event{c4},
			when:  amend("e1", revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01")),
			then:  &refused{domain.CodeInvalid, "target_type", "is a ocop.certified, not a ocop.revoked"},
		},
		{
			name:  "amendment that moves the fact to another stream",
			given: []domain.Event{c4},
			when: with(amend("e1", with(c4, func(e *domain.OCOPCertified) { e.ProductID = "toi-den-co-don" })), func(a *domain.EventAmended) {
				a.TargetStream = productStream
			}),
			then: &refused{domain.CodeInvalid, "replacement", "cannot move a fact to another record"},
		},
		{
			name:  "amend a retracted event",
			given: []domain.Event{c4, retract(productStream, "e1")},
			when:  amend("e1", c4),
			then:  &refused{domain.CodeConflict, "", "already retracted"},
		},
		{
			name:  "amend a certificate's date so that its later revocation predates it",
			given: []domain.Event{c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01")},
			when:  amend("e1", with(c4, func(e *domain.OCOPCertified) { e.Decision.Date = day("2024-06-01") })),
			then:  &refused{domain.CodeConflict, "", "e2"},
		},
		{
			name:  "a correction cannot itself be amended",
			given: []domain.Event{c4, retract(productStream, "e1")},
			when: domain.EventAmended{TargetStream: productStream, TargetID: "e2", TargetType: domain.TypeEventRetracted,
				Reason: "x", Replacement: []byte(`{}`)},
			then: &refused{domain.CodeInvalid, "target_type", "cannot be amended"},
		},
	})
}

func TestEffective(t *testing.T) {
	c4 := cert4("1425/QĐ-UBND", "2023-12-25")
	c4b := cert4("9/QĐ-UBND", "2020-01-10")
	fixed := with(c4, func(e *domain.OCOPCertified) { e.Score = 82.5 })
	h := given(
		c4b,                                   // e1: retracted below
		c4,                                    // e2: amended below
		retract(productStream, "e1"),          // e3
		amend("e2", fixed),                    // e4
		expired("1425/QĐ-UBND", "2026-12-25"), // e5
	)
	eff := domain.Effective(h)
	if len(eff) != 2 {
		t.Fatalf("Effective kept %d events; want 2 (the amended certificate and the expiry): %+v", len(eff), eff)
	}
	if eff[0].ID != "e2" || eff[0].AmendedBy != "e4" {
		t.Errorf("first effective event is %s amended by %q; want e2 amended by e4", eff[0].ID, eff[0].AmendedBy)
	}
	if got := eff[0].Event.(domain.OCOPCertified).Score; got != 82.5 {
		t.Errorf("the amended certificate has score %g; want the replacement's 82.5", got)
	}
	if eff[1].ID != "e5" {
		t.Errorf("second effective event is %s; want e5", eff[1].ID)
	}
	// The original log is untouched.
	if h[1].Event.(domain.OCOPCertified).Score != 0 || h[1].AmendedBy != "" {
		t.Errorf("Effective changed its input: %+v", h[1])
	}

	// An amendment that arrives after a retraction of the same event does not bring it back.
	eff = domain.Effective(given(c4, retract(productStream, "e1"), amend("e1", fixed)))
	if len(eff) != 0 {
		t.Errorf("a retracted then amended event came back: %+v", eff)
	}
	// Events of a type unknown to this build are left out, never guessed at.
	unknown := domain.Recorded{ID: "e0", Type: "ocop.future", Stream: productStream}
	if eff := domain.Effective(append([]domain.Recorded{unknown}, given(c4)...)); len(eff) != 1 || eff[0].ID != "e1" {
		t.Errorf("Effective with an unknown-type event gave %+v; want only e1", eff)
	}
}

// An amendment must not slip into the effective history an event that would be refused on its
// own: a 2★ certificate, a district certifying 5★.
func TestDecideAmendmentReplacementIsValidated(t *testing.T) {
	c4 := cert4("1425/QĐ-UBND", "2023-12-25")
	runDecide(t, []decideCase{
		{
			name:  "replacement with 2 stars",
			given: []domain.Event{c4},
			when:  amend("e1", with(c4, func(e *domain.OCOPCertified) { e.Stars = 2 })),
			then:  &refused{domain.CodeInvalid, "replacement.stars", "only 3, 4 or 5"},
		},
		{
			name:  "replacement by an authority that may not certify it",
			given: []domain.Event{c4},
			when:  amend("e1", with(c4, func(e *domain.OCOPCertified) { e.Decision.Authority = domain.AuthorityDistrict })),
			then:  &refused{domain.CodeInvalid, "replacement.decision.authority", "may not certify 4 stars"},
		},
	})
}

// An event whose type this build does not know (Recorded.Event nil) cannot be amended here; the
// refusal must be an error, not a panic.
func TestDecideAmendUnknownTypeEvent(t *testing.T) {
	c4 := cert4("1425/QĐ-UBND", "2023-12-25")
	history := []domain.Recorded{{ID: "e1", Type: "ocop.future_thing", Stream: productStream, Version: 1, RecordedAt: t0}}
	got, err := domain.Decide(history, amend("e1", c4))
	wantError(t, err, refused{domain.CodeInvalid, "target_id", "ocop.future_thing"})
	if got != nil {
		t.Errorf("Decide yielded %d events with its refusal", len(got))
	}
}
