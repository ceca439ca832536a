package domain_test

import (
	"fmt"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

func ExampleStarsFromScore() {
	for _, score := range []float64{29.99, 45, 50, 69.99, 70, 89.5, 90} {
		fmt.Printf("%g → %d★\n", score, domain.StarsFromScore(score))
	}
	// Output:
	// 29.99 → 1★
	// 45 → 2★
	// 50 → 3★
	// 69.99 → 3★
	// 70 → 4★
	// 89.5 → 4★
	// 90 → 5★
}

func ExampleOCOPValidUntil() {
	decided := domain.MustDate(2022, 8, 7)
	until := domain.OCOPValidUntil(decided)
	fmt.Println("valid from", decided.VN(), "to", until.AddDays(-1).VN())
	fmt.Println("no longer valid on", until.VN())
	// A leap day plus 36 months falls on the last day of February.
	fmt.Println(domain.OCOPValidUntil(domain.MustDate(2024, 2, 29)).VN())
	// Output:
	// valid from 07/08/2022 to 06/08/2025
	// no longer valid on 07/08/2025
	// 28/02/2027
}

func ExampleCNNTTBValidTo() {
	issued := domain.MustDate(2022, 5, 10)
	fmt.Println(domain.CNNTTBValidTo(issued).VN())
	// Output: 31/12/2025
}

func ExampleDecide() {
	at := time.Date(2024, 1, 5, 9, 0, 0, 0, domain.Vietnam)
	certified := domain.OCOPCertified{
		ProductID: "mach-nha-mantoza", ProductName: "Mạch nha Quảng Ngãi đường Mantoza",
		ProducerID: "nha-may-nha-quang-ngai", ProducerName: "Nhà máy Nha Quảng Ngãi", ProducerKind: "enterprise",
		ProductSet: "I.6", Stars: 4,
		Decision: domain.Decision{Number: "1425/QĐ-UBND", Date: domain.MustDate(2023, 12, 25), Authority: domain.AuthorityProvince},
		Address:  domain.Address{District: "thành phố Quảng Ngãi", Province: "Quảng Ngãi"},
	}
	history := []domain.Recorded{{ID: "e1", Type: certified.EventType(), Stream: certified.Stream(), Version: 1, RecordedAt: at, Event: certified}}

	// Re-evaluated by the ministry: 4★ → 5★.
	upgrade := domain.OCOPReevaluated{ProductID: "mach-nha-mantoza", Supersedes: "1425/QĐ-UBND", Outcome: domain.OutcomeUpgrade, Stars: 5,
		Decision: domain.Decision{Number: "2361/QĐ-BNNMT", Date: domain.MustDate(2025, 6, 26), Authority: domain.AuthorityMinistry}}
	events, err := domain.Decide(history, upgrade)
	fmt.Println(len(events), events[0].EventType(), err)

	// A second certificate while the first is valid is refused: it must be a re-evaluation.
	again := certified
	again.Decision.Number, again.Decision.Date = "99/QĐ-UBND", domain.MustDate(2024, 6, 1)
	_, err = domain.Decide(history, again)
	fmt.Println(domain.ErrorCode(err))

	// A 2-star product gets no certificate.
	two := certified
	two.Stars = 2
	_, err = domain.Decide(nil, two)
	fmt.Println(domain.ErrorCode(err), domain.ErrorField(err))
	// Output:
	// 1 ocop.reevaluated <nil>
	// conflict
	// invalid stars
}

func ExampleEvaluate() {
	cert := func(id, name string, stars domain.Stars, a domain.Authority, number string, y, m, d int) domain.OCOPCertified {
		return domain.OCOPCertified{ProductID: id, ProductName: name, ProducerID: "p-" + id, ProducerName: "(synthetic)", ProducerKind: "enterprise",
			ProductSet: "I.4b", Stars: stars, Decision: domain.Decision{Number: number, Date: domain.MustDate(y, m, d), Authority: a},
			Address: domain.Address{Province: "Quảng Ngãi"}, Synthetic: true}
	}
	events := []domain.Event{
		cert("toi-ly-son", "Tỏi Lý Sơn", 4, domain.AuthorityProvince, "1/QĐ-UBND", 2023, 3, 1),
		cert("hanh-tim", "Hành tím Bình Hải", 3, domain.AuthorityDistrict, "2/QĐ-UBND", 2022, 8, 7),
		// Recorded on 15/08/2025, after the report of 07/08/2025: a decision dated 20/07/2025.
		cert("nem-ninh-to", "Nem Ninh Tô", 3, domain.AuthorityProvince, "3/QĐ-UBND", 2025, 7, 20),
	}
	recordedAt := []time.Time{
		time.Date(2023, 3, 5, 9, 0, 0, 0, domain.Vietnam),
		time.Date(2023, 3, 6, 9, 0, 0, 0, domain.Vietnam),
		time.Date(2025, 8, 15, 9, 0, 0, 0, domain.Vietnam),
	}
	var log []domain.Recorded
	for i, e := range events {
		log = append(log, domain.Recorded{ID: fmt.Sprint("e", i+1), Type: e.EventType(), Stream: e.Stream(), Version: 1, RecordedAt: recordedAt[i], Event: e})
	}
	reportDay := domain.MustDate(2025, 8, 7)
	asReported := domain.Evaluate(log, domain.Query{AsOf: reportDay, KnownAt: reportDay.EndOfDay()})
	rebuilt := domain.Evaluate(log, domain.Query{AsOf: reportDay})
	// Hành tím's certificate (07/08/2022) ended on 07/08/2025, so it is not valid on that day.
	fmt.Println("as reported:", asReported.Count("ocop.valid"), "of which 4★:", asReported.Count("ocop.valid.stars4"))
	fmt.Println("rebuilt today:", rebuilt.Count("ocop.valid"), "of which 3★:", rebuilt.Count("ocop.valid.stars3"))
	// Output:
	// as reported: 1 of which 4★: 1
	// rebuilt today: 2 of which 3★: 1
}
