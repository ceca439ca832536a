package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// ledgerFixture is a small ledger in a temporary directory, recorded through the command line
// (embedded JetStream, bbolt read models), as a clerk would.
type ledgerFixture struct {
	t   *testing.T
	dir string
}

// entry is one event to record: its type, the entry ID, when the ledger learned it, its source
// and its JSON payload.
type entry struct {
	typ, id, recordedAt, source, payload string
}

func newLedgerFixture(t *testing.T, entries []entry) *ledgerFixture {
	t.Helper()
	f := &ledgerFixture{t: t, dir: t.TempDir()}
	for _, e := range entries {
		args := []string{"record", e.typ, "--data", f.dir, "--id", e.id, "--recorded-at", e.recordedAt, "--actor", "test"}
		if e.source != "" {
			args = append(args, "--source", e.source)
		}
		out, errOut, code := f.run(strings.NewReader(e.payload), args...)
		if code != 0 {
			t.Fatalf("record %s %s: exit %d\nstdout: %s\nstderr: %s", e.typ, e.id, code, out, errOut)
		}
	}
	return f
}

// run runs one command in a fresh process-like Main over the fixture's data directory.
func (f *ledgerFixture) run(stdin *strings.Reader, args ...string) (string, string, int) {
	f.t.Helper()
	var out, errOut bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	m := NewMain(stdin, &out, &errOut)
	code := m.Run(context.Background(), args)
	if err := m.Close(); err != nil {
		f.t.Errorf("close: %v", err)
	}
	return out.String(), errOut.String(), code
}

func (f *ledgerFixture) cmd(args ...string) (string, string, int) {
	f.t.Helper()
	return f.run(nil, append(args, "--data", f.dir)...)
}

const (
	addrLySon   = `{"commune":"xã An Vĩnh","district":"huyện Lý Sơn","province":"Quảng Ngãi"}`
	addrQN      = `{"commune":"phường Cẩm Thành","district":"thành phố Quảng Ngãi","province":"Quảng Ngãi"}`
	addrBinhHai = `{"commune":"xã Bình Hải","district":"huyện Bình Sơn","province":"Quảng Ngãi"}`
	addrKonTum  = `{"commune":"xã Ngọc Linh","district":"huyện Đăk Glei","province":"Kon Tum"}`
)

// reportLedger: two real 5★ products, two 3★ products, two national CNNTTB products, a sales point
// and a fair; then the report filed on 07/08/2025 at 16:00 stating the figures, all matching but
// one (it states 03 national CNNTTB products where the ledger had 02); then entries recorded after
// filing: two late certifications decided before 07/08/2025, one decided after it, and a
// revocation decided on 01/08/2025.
func reportLedger(t *testing.T) *ledgerFixture {
	t.Helper()
	return newLedgerFixture(t, []entry{
		{"ocop.certified", "cert-mach-nha-4", "2023-12-28T09:00:00+07:00", "QĐ 1425/QĐ-UBND",
			`{"product_id":"mach-nha-mantoza","product_name":"Mạch nha Quảng Ngãi đường Mantoza","producer_id":"nha-quang-ngai",
			"producer_name":"Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi","producer_kind":"enterprise",
			"product_set":"I.4b","stars":4,"decision":{"number":"1425/QĐ-UBND","date":"2023-12-25","authority":"province"},"address":` + addrQN + `}`},
		{"ocop.certified", "cert-hanh-tim", "2024-03-05T09:00:00+07:00", "QĐ 15/QĐ-UBND (thử nghiệm)",
			`{"product_id":"hanh-tim-binh-hai","product_name":"Hành tím Bình Hải","producer_id":"htx-binh-hai",
			"producer_name":"HTX NN Bình Hải","producer_kind":"cooperative","product_set":"I.1","stars":3,
			"decision":{"number":"15/QĐ-UBND","date":"2024-03-01","authority":"district"},"address":` + addrBinhHai + `}`},
		{"ocop.certified", "cert-bo-kho", "2024-05-10T09:00:00+07:00", "",
			`{"product_id":"bo-kho-thu-ba","product_name":"Thịt bò khô Thu Ba","producer_id":"thu-ba",
			"producer_name":"Công ty TNHH SX&TM Thu Ba","producer_kind":"enterprise","product_set":"I.3","stars":3,
			"decision":{"number":"220/QĐ-UBND","date":"2024-05-02","authority":"district"},"address":` + addrQN + `}`},
		{"cnnttb.recognized", "cnn-bo-kho-province", "2024-06-01T09:00:00+07:00", "",
			`{"product_id":"bo-kho-thu-ba","product_name":"Bò khô Thu Ba","producer_name":"Công ty TNHH SX&TM Thu Ba",
			"level":"province","round_year":2022,"certificate":"CN-T-2022-01","issued_on":"2022-10-10","address":` + addrQN + `}`},
		{"cnnttb.recognized", "cnn-bo-kho-region", "2024-06-01T09:01:00+07:00", "",
			`{"product_id":"bo-kho-thu-ba","product_name":"Bò khô Thu Ba","producer_name":"Công ty TNHH SX&TM Thu Ba",
			"level":"region","round_year":2023,"certificate":"CN-KV-2023-07","issued_on":"2023-09-15","address":` + addrQN + `}`},
		{"cnnttb.recognized", "cnn-bo-kho-national", "2024-12-01T09:00:00+07:00", "",
			`{"product_id":"bo-kho-thu-ba","product_name":"Bò khô Thu Ba","producer_name":"Công ty TNHH SX&TM Thu Ba",
			"level":"national","round_year":2024,"certificate":"CN-QG-2024-11","issued_on":"2024-11-20","address":` + addrQN + `}`},
		{"cnnttb.recognized", "cnn-dato-province", "2024-12-01T09:01:00+07:00", "",
			`{"product_id":"tra-sam-day-dato","product_name":"Trà Sâm dây Ngọc Linh DATO","producer_name":"DATO",
			"level":"province","round_year":2022,"certificate":"CN-KT-2022-03","issued_on":"2022-09-01","address":` + addrKonTum + `}`},
		{"cnnttb.recognized", "cnn-dato-region", "2024-12-01T09:02:00+07:00", "",
			`{"product_id":"tra-sam-day-dato","product_name":"Trà Sâm dây Ngọc Linh DATO","producer_name":"DATO",
			"level":"region","round_year":2023,"certificate":"CN-KV-2023-09","issued_on":"2023-09-20","address":` + addrKonTum + `}`},
		{"cnnttb.recognized", "cnn-dato-national", "2024-12-01T09:03:00+07:00", "",
			`{"product_id":"tra-sam-day-dato","product_name":"Trà Sâm dây Ngọc Linh DATO","producer_name":"DATO",
			"level":"national","round_year":2024,"certificate":"CN-QG-2024-12","issued_on":"2024-11-20","address":` + addrKonTum + `}`},
		{"salespoint.opened", "sp-ly-son", "2025-01-10T09:00:00+07:00", "",
			`{"salespoint_id":"sp-ly-son","name":"Điểm OCOP Lý Sơn","site_type":"transport_hub","funding":"ministry",
			"operator":"Công ty TNHH Thương mại và Dịch vụ Phú Sinh","address":` + addrLySon + `,"opened_on":"2025-01-05"}`},
		{"trade_event.held", "fair-2024", "2025-01-20T09:00:00+07:00", "",
			`{"trade_event_id":"hoi-cho-2024","kind":"fair_province","name":"Hội chợ OCOP Quảng Ngãi 2024","start_date":"2024-11-01",
			"end_date":"2024-11-05","venue":"Quảng trường Phạm Văn Đồng","organiser":"Sở Công Thương","address":` + addrQN + `}`},
		{"ocop.reevaluated", "reeval-mach-nha-5", "2025-06-30T09:00:00+07:00", "QĐ 2361/QĐ-BNNMT",
			`{"product_id":"mach-nha-mantoza","supersedes":"1425/QĐ-UBND","outcome":"upgrade","stars":5,
			"decision":{"number":"2361/QĐ-BNNMT","date":"2025-06-26","authority":"ministry"}}`},
		{"ocop.certified", "cert-toi-ly-son-5", "2025-06-30T09:01:00+07:00", "QĐ 2361/QĐ-BNNMT",
			`{"product_id":"toi-ly-son","product_name":"Tỏi Lý Sơn","producer_id":"phu-sinh",
			"producer_name":"Công ty TNHH Thương mại và Dịch vụ Phú Sinh","producer_kind":"enterprise","product_set":"I.4b","stars":5,
			"decision":{"number":"2361/QĐ-BNNMT","date":"2025-06-26","authority":"ministry"},"address":` + addrLySon + `}`},
		{"report.filed", "filed-470", "2025-08-07T16:00:00+07:00", "Công văn 470/SCT-QLTM",
			`{"report_id":"470-SCT-QLTM","document_number":"470/SCT-QLTM",
			"title":"V/v báo cáo tình hình thực hiện Chương trình mỗi xã một sản phẩm giai đoạn 2021-2025 trên địa bàn tỉnh Quảng Ngãi",
			"issuer":"Sở Công Thương Quảng Ngãi","recipient":"Cục Quản lý và Phát triển thị trường trong nước",
			"date":"2025-08-07","as_of":"2025-08-07","period_from":"2021-01-01",
			"figures":{"ocop.valid":4,"ocop.valid.stars5":2,"ocop.valid.stars4":0,"ocop.valid.stars3":2,
			"cnnttb.recognized.national":2,"cnnttb.valid.national":3,"salespoints.open":1,"salespoints.open.ministry":1,"fairs.province":1}}`},
		{"ocop.certified", "late-cert-nhang-que", "2025-08-15T10:00:00+07:00", "QĐ 812/QĐ-UBND",
			`{"product_id":"nhang-que-tra-bong","product_name":"Nhang quế Trà Bồng","producer_id":"huong-que-tra-bong",
			"producer_name":"Công ty TNHH Hương Quế Trà Bồng","producer_kind":"enterprise","product_set":"IV.2","stars":4,
			"decision":{"number":"812/QĐ-UBND","date":"2025-07-20","authority":"province"},"address":` + addrQN + `}`},
		{"ocop.certified", "late-cert-nghe", "2025-08-18T10:00:00+07:00", "QĐ 830/QĐ-UBND",
			`{"product_id":"tinh-bot-nghe","product_name":"Tinh bột nghệ","producer_id":"htx-bon-van",
			"producer_name":"HTX Bốn Vân","producer_kind":"cooperative","product_set":"III.1","stars":3,
			"decision":{"number":"830/QĐ-UBND","date":"2025-07-25","authority":"province"},"address":` + addrQN + `}`},
		{"ocop.certified", "cert-after-as-of", "2025-09-05T10:00:00+07:00", "QĐ 901/QĐ-UBND",
			`{"product_id":"muoi-tre-sahu","product_name":"Muối tre SAHU","producer_id":"sahu",
			"producer_name":"Công ty TNHH MTV Muối SAHU","producer_kind":"enterprise","product_set":"I.4b","stars":4,
			"decision":{"number":"901/QĐ-UBND","date":"2025-09-01","authority":"province"},"address":` + addrQN + `}`},
		{"ocop.revoked", "revoke-hanh-tim", "2025-09-10T10:00:00+07:00", "QĐ 870/QĐ-UBND",
			`{"product_id":"hanh-tim-binh-hai","certificate":"15/QĐ-UBND","reason":"ceased_operating",
			"decision":{"number":"870/QĐ-UBND","date":"2025-08-01","authority":"province"}}`},
	})
}

func TestReportCommand(t *testing.T) {
	f := reportLedger(t)

	t.Run("vietnamese as known at filing", func(t *testing.T) {
		out, errOut, code := f.cmd("report", "--as-of", "07/08/2025", "--known-at", "2025-08-07T16:00:00+07:00")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		wantIn(t, out,
			"Số liệu tính đến ngày 07/08/2025, theo sổ cái tại thời điểm 16:00:00 ngày 07/08/2025.",
			"Hiện nay trên địa bàn tỉnh Quảng Ngãi có 02 sản phẩm được công nhận là sản phẩm công nghiệp nông thôn tiêu biểu (CNNTTB) cấp tỉnh, có 02 sản phẩm CNNTTB cấp khu vực, 02 sản phẩm CNNTTB cấp Quốc gia.",
			"Đến nay, các chứng nhận còn hiệu lực đối với 02 sản phẩm CNNTTB cấp tỉnh, 02 sản phẩm CNNTTB cấp khu vực và 02 sản phẩm CNNTTB cấp quốc gia¹.",
			"Có 04 sản phẩm OCOP còn thời hạn; trong đó, có 02 sản phẩm đạt OCOP 5 sao², 00 sản phẩm đạt 4 sao và 02 sản phẩm đạt OCOP 3 sao.",
			"Toàn tỉnh Quảng Ngãi có 01 điểm giới thiệu và bán sản phẩm OCOP; trong đó, Nhà nước hỗ trợ 01 điểm (Bộ Công Thương hỗ trợ 01 điểm) và 00 điểm xã hội hóa 100%.",
			"Giai đoạn 2021-2025 trên địa bàn tỉnh Quảng Ngãi tổ chức 01 Hội chợ cấp tỉnh, 00 hội chợ cấp huyện",
			"¹ 02 sản phẩm CNNTTB cấp quốc gia: Bò khô Thu Ba; Trà Sâm dây Ngọc Linh DATO.",
			"² 02 sản phẩm OCOP 5 sao: Mạch nha Quảng Ngãi đường Mantoza của Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi; Tỏi Lý Sơn của Công ty TNHH Thương mại và Dịch vụ Phú Sinh.",
		)
	})

	t.Run("as known now counts the late entries", func(t *testing.T) {
		day := time.Now().In(domain.Vietnam).Format("02/01/2006")
		out, errOut, code := f.cmd("report", "--as-of", "2025-08-07")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		// +Nhang quế (4★, decided 20/07), +Tinh bột nghệ (3★, 25/07), −Hành tím (revoked 01/08);
		// Muối tre SAHU, decided 01/09, does not count on 07/08.
		wantIn(t, out,
			"Có 05 sản phẩm OCOP còn thời hạn; trong đó, có 02 sản phẩm đạt OCOP 5 sao², 01 sản phẩm đạt 4 sao và 02 sản phẩm đạt OCOP 3 sao.")
		// As known now is the clock's time, not the last entry's (10:00:00 10/09/2025).
		if after := time.Now().In(domain.Vietnam).Format("02/01/2006"); !strings.Contains(out, " ngày "+day+".") && !strings.Contains(out, " ngày "+after+".") {
			t.Errorf("as known now does not name today (%s):\n%s", day, out)
		}
		if strings.Contains(out, "10:00:00 ngày 10/09/2025") {
			t.Errorf("as known now names the last entry's recording time:\n%s", out)
		}
	})

	t.Run("a bare known-at date is the end of that day", func(t *testing.T) {
		out, _, code := f.cmd("report", "--as-of", "2025-08-07", "--known-at", "2025-08-15")
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		wantIn(t, out, "theo sổ cái tại thời điểm 23:59:59 ngày 15/08/2025.", "Có 05 sản phẩm OCOP còn thời hạn", "01 sản phẩm đạt 4 sao")
	})

	t.Run("english", func(t *testing.T) {
		out, errOut, code := f.cmd("report", "--as-of", "2025-08-07", "--known-at", "2025-08-07", "--lang", "en")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		wantIn(t, out,
			"Figures as of 2025-08-07, from the ledger as known at 2025-08-07 23:59:59 +07:00.",
			"4 OCOP products hold a certificate still in force; of these, 2 products are rated OCOP 5 stars², 0 products 4 stars and 2 products OCOP 3 stars.",
			"² 2 five-star OCOP products: Mạch nha Quảng Ngãi đường Mantoza of Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi; Tỏi Lý Sơn of Công ty TNHH Thương mại và Dịch vụ Phú Sinh.")
	})

	t.Run("json", func(t *testing.T) {
		out, errOut, code := f.cmd("report", "--as-of", "2025-08-07", "--known-at", "2025-08-07", "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			AsOf           string                                  `json:"as_of"`
			Figures        map[string]int64                        `json:"figures"`
			FiveStar       []struct{ Item, Name, Producer string } `json:"five_star"`
			NationalCNNTTB []struct{ Name string }                 `json:"cnnttb_national"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if got.AsOf != "2025-08-07" || got.Figures["ocop.valid"] != 4 || got.Figures["cnnttb.valid.national"] != 2 {
			t.Errorf("as_of %s, ocop.valid %d, cnnttb.valid.national %d; want 2025-08-07, 4, 2", got.AsOf, got.Figures["ocop.valid"], got.Figures["cnnttb.valid.national"])
		}
		if len(got.FiveStar) != 2 || got.FiveStar[1].Item != "toi-ly-son" || got.FiveStar[1].Producer != "Công ty TNHH Thương mại và Dịch vụ Phú Sinh" {
			t.Errorf("five_star %+v; want Mạch nha then Tỏi Lý Sơn with its producer", got.FiveStar)
		}
	})

	t.Run("pdf says what the text says, with the source", func(t *testing.T) {
		text, errOut, code := f.cmd("report", "--as-of", "07/08/2025", "--known-at", "2025-08-07T16:00:00+07:00")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		path := filepath.Join(t.TempDir(), "bao-cao.pdf")
		out, errOut, code := f.cmd("report", "--as-of", "07/08/2025", "--known-at", "2025-08-07T16:00:00+07:00", "--format", "pdf", "--out", path)
		if code != 0 || out != "" {
			t.Fatalf("exit %d, stdout %q: %s", code, out, errOut)
		}
		pdf, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("no PDF in --out: %v %.40q", err, pdf)
		}
		tool, err := exec.LookPath("pdftotext")
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("pdftotext not found (install poppler-utils): %v", err)
			}
			t.Skip("pdftotext not found: install poppler-utils to check the PDF report")
		}
		raw, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		// Pages 2 on begin with their number (Nghị định 30/2020/NĐ-CP), which is not part of the
		// sentence it interrupts.
		got := strings.Join(strings.Fields(regexp.MustCompile(`\f\s*\d+\n`).ReplaceAllString(string(raw), "\f")), " ")
		// Every line of the text report, its source line (size and root of the log) included.
		var n int
		for _, l := range strings.Split(text, "\n") {
			if l = strings.Join(strings.Fields(l), " "); l != "" && l != "---" {
				n++
				wantIn(t, got, l)
			}
		}
		if n < 10 || !strings.Contains(text, "Nguồn: ") {
			t.Errorf("the text report has %d lines and no source line?\n%s", n, text)
		}
	})

	t.Run("bad format is a usage error", func(t *testing.T) {
		if _, _, code := f.cmd("report", "--format", "docx"); code != 2 {
			t.Errorf("exit %d; want 2", code)
		}
	})
}

func TestReconcileCommand(t *testing.T) {
	f := reportLedger(t)

	out, errOut, code := f.cmd("reconcile", "470/SCT-QLTM")
	if code != 4 {
		t.Fatalf("exit %d; want 4 (the report did not match the ledger at filing)\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	wantIn(t, out,
		"!!! SAI LỆCH: BÁO CÁO ĐÃ GỬI KHÔNG KHỚP VỚI SỔ CÁI TẠI THỜI ĐIỂM GỬI — 1/9 SỐ LIỆU KHÁC VỚI SỔ CÁI",
		"Báo cáo được ghi vào sổ cái lúc 16:00:00 ngày 07/08/2025 (bút toán filed-470",
		"SAI LỆCH KHI GỬI: báo cáo nêu 3; sổ cái lúc gửi đếm 2 mục (chênh lệch -1).",
		"bo-kho-thu-ba/CN-QG-2024-11 — Bò khô Thu Ba (Công ty TNHH SX&TM Thu Ba) · CN-QG-2024-11 · từ 20/11/2024 đến 31/12/2027 · bút toán cnn-bo-kho-national",
		"tra-sam-day-dato/CN-QG-2024-12 — Trà Sâm dây Ngọc Linh DATO (DATO) · CN-QG-2024-12 · từ 20/11/2024 đến 31/12/2027 · bút toán cnn-dato-national",
		"2 số liệu đã thay đổi do các bút toán ghi sau khi gửi báo cáo.",
	)
	wantIn(t, errOut, "không khớp với sổ cái tại thời điểm gửi: cnnttb.valid.national")

	// The entries behind each change since filing, by figure.
	sections := detailSections(out)
	want := map[string][]string{
		"ocop.valid":            {"+1  bút toán late-cert-nhang-que", "+1  bút toán late-cert-nghe", "-1  bút toán revoke-hanh-tim"},
		"ocop.valid.stars4":     {"+1  bút toán late-cert-nhang-que"},
		"cnnttb.valid.national": {"SAI LỆCH KHI GỬI"},
	}
	for fig, lines := range want {
		sec, ok := sections[fig]
		if !ok {
			t.Errorf("no section for %s in\n%s", fig, out)
			continue
		}
		wantIn(t, sec, lines...)
	}
	if _, ok := sections["ocop.valid.stars3"]; ok {
		t.Errorf("ocop.valid.stars3 changed by +1 −1 and is unchanged; want no section:\n%s", sections["ocop.valid.stars3"])
	}
	if strings.Contains(out, "cert-after-as-of") {
		t.Errorf("the certification decided after the as-of day is named as a change:\n%s", out)
	}
	if sec := sections["ocop.valid"]; strings.Contains(sec, "late-cert-nhang-que") && !strings.Contains(sec, "(4 → 5)") {
		t.Errorf("ocop.valid section does not say 4 → 5:\n%s", sec)
	}

	t.Run("json and report ID", func(t *testing.T) {
		out, _, code := f.cmd("reconcile", "470-SCT-QLTM", "--json")
		if code != 4 {
			t.Fatalf("exit %d; want 4", code)
		}
		var got struct {
			MatchedAtFiling bool `json:"matched_at_filing"`
			Figures         []struct {
				Figure, Status string
				Stated         int64
				AtFiling       int64 `json:"at_filing"`
				Now            int64
				Since          []struct {
					ID    string
					Delta int64
				} `json:"changes_since_filing"`
				Counted []struct{ Item, EventID string } `json:"counted_at_filing"`
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if got.MatchedAtFiling {
			t.Error("matched_at_filing is true; want false")
		}
		status := map[string]string{}
		for _, c := range got.Figures {
			status[c.Figure] = c.Status
			if c.Figure == "ocop.valid" {
				var ids []string
				var sum int64
				for _, e := range c.Since {
					ids = append(ids, e.ID)
					sum += e.Delta
				}
				if strings.Join(ids, ",") != "late-cert-nhang-que,late-cert-nghe,revoke-hanh-tim" || sum != c.Now-c.AtFiling {
					t.Errorf("ocop.valid changes %v adding up to %d; want the two late certifications and the revocation adding up to %d", ids, sum, c.Now-c.AtFiling)
				}
			}
			if c.Figure == "cnnttb.valid.national" && (len(c.Counted) != 2 || c.Stated != 3 || c.AtFiling != 2) {
				t.Errorf("cnnttb.valid.national: stated %d, at filing %d, %d items counted; want 3, 2, 2", c.Stated, c.AtFiling, len(c.Counted))
			}
		}
		for fig, st := range map[string]string{"ocop.valid": "changed_since", "ocop.valid.stars4": "changed_since", "ocop.valid.stars3": "ok",
			"ocop.valid.stars5": "ok", "cnnttb.valid.national": "mismatch_at_filing", "salespoints.open": "ok"} {
			if status[fig] != st {
				t.Errorf("%s: status %q; want %q", fig, status[fig], st)
			}
		}
	})

	t.Run("not found", func(t *testing.T) {
		_, errOut, code := f.cmd("reconcile", "999/SCT-QLTM")
		if code != 3 {
			t.Errorf("exit %d; want 3", code)
		}
		wantIn(t, errOut, "không có báo cáo 999/SCT-QLTM trong sổ cái", "report.999-SCT-QLTM")
	})
}

// A report that matched the books at filing exits 0, even when figures changed since.
func TestReconcileMatchedAtFiling(t *testing.T) {
	f := newLedgerFixture(t, []entry{
		{"ocop.certified", "cert-toi-ly-son-5", "2025-06-30T09:00:00+07:00", "QĐ 2361/QĐ-BNNMT",
			`{"product_id":"toi-ly-son","product_name":"Tỏi Lý Sơn","producer_id":"phu-sinh",
			"producer_name":"Công ty TNHH Thương mại và Dịch vụ Phú Sinh","producer_kind":"enterprise","product_set":"I.4b","stars":5,
			"decision":{"number":"2361/QĐ-BNNMT","date":"2025-06-26","authority":"ministry"},"address":` + addrLySon + `}`},
		{"report.filed", "filed-12", "2025-07-01T09:00:00+07:00", "",
			`{"report_id":"12-SCT-QLTM","document_number":"12/SCT-QLTM","title":"Báo cáo thử","issuer":"Sở Công Thương Quảng Ngãi",
			"date":"2025-07-01","as_of":"2025-06-30","figures":{"ocop.valid":1,"ocop.valid.stars5":1}}`},
		{"ocop.revoked", "revoke-toi", "2025-07-10T09:00:00+07:00", "",
			`{"product_id":"toi-ly-son","certificate":"2361/QĐ-BNNMT","reason":"voluntary",
			"decision":{"number":"1/QĐ-BNNMT","date":"2025-06-28","authority":"ministry"}}`},
	})
	out, errOut, code := f.cmd("reconcile", "12/SCT-QLTM", "--lang", "en")
	if code != 0 {
		t.Fatalf("exit %d; want 0\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	wantIn(t, out, "The report matched the ledger at filing time: 2 of 2 figures.", "changed since", "-1  entry revoke-toi")
	if strings.Contains(out, "MISMATCH") {
		t.Errorf("a matching report is flagged:\n%s", out)
	}
}

// detailSections splits a text reconciliation into the detail section of each figure.
func detailSections(out string) map[string]string {
	secs := map[string]string{}
	cur := ""
	for _, line := range strings.Split(out, "\n") {
		if id, _, ok := strings.Cut(line, " — "); ok && !strings.HasPrefix(line, " ") && !strings.Contains(id, " ") {
			cur = id
		}
		if cur != "" {
			secs[cur] += line + "\n"
		}
	}
	return secs
}

func wantIn(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}
