package domain_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// goodPayloads holds one valid payload of every event type of the catalogue.
var goodPayloads = map[string]string{
	domain.TypeProducerRegistered: `{"producer_id":"phu-sinh","name":"Công ty TNHH Thương mại và Dịch vụ Phú Sinh","kind":"enterprise",
		"address":{"commune":"xã An Vĩnh","district":"huyện Lý Sơn","province":"Quảng Ngãi"},"tax_code":"4300000000"}`,
	domain.TypeProducerChanged: `{"producer_id":"phu-sinh","address":{"commune":"đặc khu Lý Sơn","province":"Quảng Ngãi"},"effective":"2025-07-01"}`,
	domain.TypeOCOPCertified: `{"product_id":"mach-nha-mantoza","product_name":"Mạch nha Quảng Ngãi đường Mantoza",
		"producer_id":"nha-may-nha-quang-ngai","producer_name":"Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi",
		"producer_kind":"enterprise","product_set":"I.6","stars":4,"score":78,
		"decision":{"number":"1425/QĐ-UBND","date":"2023-12-25","authority":"province","issuer":"UBND tỉnh Quảng Ngãi"},
		"address":{"commune":"phường Trần Phú","district":"thành phố Quảng Ngãi","province":"Quảng Ngãi"}}`,
	domain.TypeOCOPReevaluated: `{"product_id":"mach-nha-mantoza","supersedes":"1425/QĐ-UBND","outcome":"upgrade","stars":5,"score":91,
		"decision":{"number":"2361/QĐ-BNNMT","date":"2025-06-26","authority":"ministry","issuer":"Bộ Nông nghiệp và Môi trường"}}`,
	domain.TypeOCOPRevoked: `{"product_id":"toi-ly-son","certificate":"1425/QĐ-UBND","reason":"voluntary",
		"decision":{"number":"50/QĐ-UBND","date":"2024-05-01","authority":"province"},"reason_detail":"synthetic example"}`,
	domain.TypeOCOPExpired:       `{"product_id":"toi-ly-son","certificate":"1425/QĐ-UBND","expired_on":"2026-12-25"}`,
	domain.TypeOCOPExpiryNoticed: `{"product_id":"toi-ly-son","certificate":"1425/QĐ-UBND","expires_on":"2026-12-25","noticed_on":"2026-11-20"}`,
	domain.TypeOCOPPotentialFiveStar: `{"product_id":"ruou-sam-ngoc-linh-k5","date":"2024-10-01","decision":"900/QĐ-UBND",
		"note":"Rượu Sâm Ngọc Linh K5 Premium, hồ sơ trình Trung ương"}`,
	domain.TypeCNNTTBRecognized: `{"product_id":"bo-kho-thu-ba","product_name":"Bò khô Thu Ba","producer_name":"Công ty TNHH SX&TM Thu Ba",
		"level":"national","round_year":2024,"certificate":"QĐ 100/QĐ-BCT","issued_on":"2024-11-15",
		"address":{"commune":"phường Cẩm Thành","district":"thành phố Quảng Ngãi","province":"Quảng Ngãi"}}`,
	domain.TypeCNNTTBExpired:    `{"product_id":"bo-kho-thu-ba","level":"province","certificate":"12/QĐ-UBND","expired_on":"2026-01-01"}`,
	domain.TypeSalesPointOpened: `{"salespoint_id":"sp-ly-son-01","name":"Điểm OCOP Lý Sơn (synthetic)","site_type":"tourist_site","funding":"ministry","operator":"HTX (synthetic)","address":{"province":"Quảng Ngãi"},"opened_on":"2023-09-01","synthetic":true}`,
	domain.TypeSalesPointClosed: `{"salespoint_id":"sp-ly-son-01","closed_on":"2025-03-31","reason":"hết hợp đồng thuê"}`,
	domain.TypeTradeEventHeld: `{"trade_event_id":"hc-qn-2024","kind":"fair_province","name":"Hội chợ OCOP Quảng Ngãi 2024 (synthetic)","start_date":"2024-11-20","end_date":"2024-11-24",
		"venue":"Quảng trường Phạm Văn Đồng","organiser":"Sở Công Thương Quảng Ngãi","address":{"province":"Quảng Ngãi"},"synthetic":true}`,
	domain.TypeTradeEventJoined: `{"trade_event_id":"hc-qn-2024","business_id":"phu-sinh","business_name":"Công ty TNHH TM&DV Phú Sinh"}`,
	domain.TypeListingCreated: `{"listing_id":"qnt-toi-ly-son","platform":"quangngaitrade","product_name":"Tỏi Lý Sơn","product_id":"toi-ly-son","ocop":true,
		"business_id":"phu-sinh","business_name":"Công ty TNHH TM&DV Phú Sinh","listed_on":"2022-04-01"}`,
	domain.TypeListingRemoved: `{"listing_id":"qnt-toi-ly-son","removed_on":"2025-01-15"}`,
	domain.TypeUnitsMerged: `{"reorganisation_id":"nq-1677-2025","effective":"2025-07-01","legal_basis":"NQ 1677/NQ-UBTVQH15",
		"units":[{"old_commune":"xã An Vĩnh","old_district":"huyện Lý Sơn","old_province":"Quảng Ngãi","new_commune":"đặc khu Lý Sơn","new_province":"Quảng Ngãi"}]}`,
	domain.TypeReportFiled: `{"report_id":"470-SCT-QLTM","document_number":"470/SCT-QLTM","title":"Báo cáo kết quả thực hiện Chương trình OCOP giai đoạn 2021–2025",
		"issuer":"Sở Công Thương tỉnh Quảng Ngãi","date":"2025-08-07","as_of":"2025-08-07","period_from":"2021-01-01",
		"figures":{"ocop.valid":642,"ocop.valid.stars5":2,"ocop.valid.stars4":48,"ocop.valid.stars3":592}}`,
	domain.TypeEventRetracted: `{"target_stream":"product.toi-ly-son","target_id":"01JZX0EXAMPLE","reason":"nhập trùng quyết định"}`,
	domain.TypeEventAmended: `{"target_stream":"product.toi-ly-son","target_id":"01JZX0EXAMPLE","target_type":"ocop.expired","reason":"sai ngày",
		"replacement":{"product_id":"toi-ly-son","certificate":"1425/QĐ-UBND","expired_on":"2026-12-25"}}`,
	domain.TypeQuarantineAcknowledged: `{"position":1873,"reason_seen":"không phải là một mục ghi của sổ cái","note":"thông điệp rác gửi qua cổng NATS"}`,
}

func TestDecodeValidRoundTripsEveryType(t *testing.T) {
	types := domain.EventTypes()
	if len(types) != 21 {
		t.Errorf("the catalogue has %d types; this test and docs/events.md know 21", len(types))
	}
	for _, typ := range types {
		t.Run(typ, func(t *testing.T) {
			src, ok := goodPayloads[typ]
			if !ok {
				t.Fatalf("no good payload for %s in goodPayloads", typ)
			}
			e, err := domain.DecodeValid(typ, 1, []byte(src))
			if err != nil {
				t.Fatalf("DecodeValid: %v", err)
			}
			if e.EventType() != typ || e.SchemaVersion() != 1 {
				t.Fatalf("decoded a %s v%d; want %s v1", e.EventType(), e.SchemaVersion(), typ)
			}
			if reflect.TypeOf(e).Kind() == reflect.Pointer {
				t.Errorf("Decode returned a pointer %T; events are passed as values", e)
			}
			b1, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			e2, err := domain.DecodeValid(typ, 1, b1)
			if err != nil {
				t.Fatalf("DecodeValid of the re-marshalled %s: %v", b1, err)
			}
			if !reflect.DeepEqual(e, e2) && typ != domain.TypeEventAmended {
				t.Errorf("round trip changed the event:\n got %+v\nwant %+v", e2, e)
			}
			b2, _ := json.Marshal(e2)
			if !bytes.Equal(b1, b2) {
				t.Errorf("marshal is not stable:\n%s\n%s", b1, b2)
			}
			// Every field of the source survives: compare as generic JSON.
			var a, b any
			_ = json.Unmarshal([]byte(src), &a)
			_ = json.Unmarshal(b1, &b)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("fields lost or changed in the round trip:\n src %s\n got %s", compact(src), b1)
			}
		})
	}
}

func compact(s string) string {
	var b bytes.Buffer
	_ = json.Compact(&b, []byte(s))
	return b.String()
}

func TestDecodeRefusals(t *testing.T) {
	cert := goodPayloads[domain.TypeOCOPCertified]
	tests := []struct {
		name string
		typ  string
		data string
		want refused
	}{
		{"unknown event type", "ocop.awarded", `{}`, refused{domain.CodeInvalid, "type", `"ocop.awarded" is not a known event type`}},
		{"malformed JSON", domain.TypeOCOPCertified, `{"product_id": "x",}`, refused{domain.CodeInvalid, "", "malformed"}},
		{"truncated JSON", domain.TypeOCOPCertified, `{"product_id": "x"`, refused{domain.CodeInvalid, "", "malformed"}},
		{"unknown field", domain.TypeOCOPCertified, strings.Replace(cert, `"stars":4`, `"stars":4,"star":4`, 1), refused{domain.CodeInvalid, "star", "not a field"}},
		{"wrong JSON kind", domain.TypeOCOPCertified, strings.Replace(cert, `"stars":4`, `"stars":"4"`, 1), refused{domain.CodeInvalid, "stars", "wrong kind of value"}},
		{"wrong JSON kind, nested", domain.TypeOCOPCertified, strings.Replace(cert, `"number":"1425/QĐ-UBND"`, `"number":1425`, 1), refused{domain.CodeInvalid, "decision.number", "wrong kind of value"}},
		{"impossible date", domain.TypeOCOPCertified, strings.Replace(cert, `"2023-12-25"`, `"2025-02-30"`, 1), refused{domain.CodeInvalid, "decision.date", "day 30 does not exist"}},
		{"impossible date, Vietnamese form", domain.TypeOCOPCertified, strings.Replace(cert, `"2023-12-25"`, `"31/04/2024"`, 1), refused{domain.CodeInvalid, "decision.date", "day 31 does not exist"}},
		{"array payload", domain.TypeOCOPCertified, `[` + cert + `]`, refused{domain.CodeInvalid, "", "must be a JSON object"}},
		{"string payload", domain.TypeOCOPCertified, `"ocop"`, refused{domain.CodeInvalid, "", "must be a JSON object"}},
		{"empty payload", domain.TypeOCOPCertified, ``, refused{domain.CodeInvalid, "", "must be a JSON object"}},
		{"null payload", domain.TypeOCOPCertified, `null`, refused{domain.CodeInvalid, "", "must be a JSON object"}},
		{"two values", domain.TypeOCOPExpired, goodPayloads[domain.TypeOCOPExpired] + `{}`, refused{domain.CodeInvalid, "", "more than one JSON value"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := domain.Decode(tc.typ, 1, []byte(tc.data))
			wantError(t, err, tc.want)
		})
	}
	_, err := domain.Decode(domain.TypeOCOPCertified, 2, []byte(cert))
	wantError(t, err, refused{domain.CodeInvalid, "schema", "version 2 is not known"})
}

func TestDecodeValidRefusals(t *testing.T) {
	cert := goodPayloads[domain.TypeOCOPCertified]
	tests := []struct {
		name string
		data string
		want refused
	}{
		{"2 stars", strings.NewReplacer(`"stars":4`, `"stars":2`, `"score":78`, `"score":40`).Replace(cert), refused{domain.CodeInvalid, "stars", "only 3, 4 or 5"}},
		{"score does not fit the stars", strings.Replace(cert, `"score":78`, `"score":69.99`, 1), refused{domain.CodeInvalid, "score", "gives 3 stars, not 4"}},
		{"unknown authority", strings.Replace(cert, `"authority":"province"`, `"authority":"commune"`, 1), refused{domain.CodeInvalid, "decision.authority", "not a known issuing authority"}},
		{"product id with spaces", strings.Replace(cert, `"mach-nha-mantoza"`, `"mạch nha"`, 1), refused{domain.CodeInvalid, "product_id", "may only use"}},
		{"null decision date", strings.Replace(cert, `"2023-12-25"`, `null`, 1), refused{domain.CodeInvalid, "decision.date", "is missing"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := domain.DecodeValid(domain.TypeOCOPCertified, 1, []byte(tc.data))
			wantError(t, err, tc.want)
		})
	}
}

// A required date left out of the payload must be refused, not read as the zero Date (01/01/2000).
func TestDecodeValidMissingDate(t *testing.T) {
	cert := goodPayloads[domain.TypeOCOPCertified]
	_, err := domain.DecodeValid(domain.TypeOCOPCertified, 1, []byte(strings.Replace(cert, `"date":"2023-12-25",`, ``, 1)))
	wantError(t, err, refused{domain.CodeInvalid, "decision.date", "is missing"})
	_, err = domain.DecodeValid(domain.TypeOCOPExpired, 1, []byte(`{"product_id":"toi-ly-son","certificate":"1425/QĐ-UBND"}`))
	wantError(t, err, refused{domain.CodeInvalid, "expired_on", "is missing"})
	// The same holds for an event built in Go with the date forgotten.
	err = with(cert4("1425/QĐ-UBND", "2023-12-25"), func(e *domain.OCOPCertified) { e.Decision.Date = 0 }).Validate()
	wantError(t, err, refused{domain.CodeInvalid, "decision.date", "is missing"})
}

// A date given as a number, a boolean or an object is a wrong kind of value, and the error names
// the field like any other wrong kind does.
func TestDecodeDateOfWrongKind(t *testing.T) {
	cert := goodPayloads[domain.TypeOCOPCertified]
	for _, v := range []string{`20231225`, `true`, `{"y":2023}`, `["2023-12-25"]`} {
		_, err := domain.Decode(domain.TypeOCOPCertified, 1, []byte(strings.Replace(cert, `"2023-12-25"`, v, 1)))
		wantError(t, err, refused{domain.CodeInvalid, "decision.date", `a date in quotes`})
	}
}

// typicalEvents are the events most read models read most.
var typicalEvents = []string{domain.TypeOCOPCertified, domain.TypeListingCreated, domain.TypeTradeEventJoined}

func BenchmarkDecodeJSON(b *testing.B) {
	for _, typ := range typicalEvents {
		data := []byte(compact(goodPayloads[typ]))
		b.Run(typ, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := domain.Decode(typ, 1, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
