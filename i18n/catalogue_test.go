package i18n

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/ocopledger/ocopledger/domain"
)

// formatArg is where the format is among the arguments of the functions that build messages:
// domain's constructors and errorf, the event store's invalid and the gate's risky, and the
// command line's clihelp.Usagef (a usage error, exit code 2).
var formatArg = map[string]int{"Invalid": 1, "Conflict": 0, "NotFound": 0, "Unauthorized": 1, "Forbidden": 0, "Internal": 0, "Unavailable": 0, "HistoryMismatch": 0, "StorageFull": 0, "errorf": 0, "invalid": 3, "risky": 2,
	"Usagef": 0}

// sourceFormats returns every message format written in the .go files (tests excluded) of dirs,
// with where it is written. Formats must be string literals; an error literal that brings its
// own English words (Message: "…" or Message: fmt.Sprintf(…)) escapes the catalogue and fails.
func sourceFormats(t *testing.T, dirs ...string) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string][]string{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			// wrapper is the function being walked when it builds messages itself (Usagef, say):
			// it may pass its own format parameter on, since its callers' formats are checked.
			wrapper := ""
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					wrapper = ""
					if i, ok := formatArg[n.Name.Name]; ok && n.Recv == nil {
						wrapper = formatParam(n.Type, i)
					}
				case *ast.CallExpr:
					i, ok := formatArg[funcName(n.Fun)]
					if !ok || len(n.Args) <= i {
						return true
					}
					lit, ok := n.Args[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						if id, ok := n.Args[i].(*ast.Ident); ok && wrapper != "" && id.Name == wrapper {
							return true
						}
						t.Errorf("%s: the format of %s is not a string literal, so it cannot be translated", fset.Position(n.Pos()), funcName(n.Fun))
						return true
					}
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[s] = append(out[s], fset.Position(lit.Pos()).String())
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.Ident); !ok || k.Name != "Message" {
						return true
					}
					switch v := n.Value.(type) {
					case *ast.BasicLit, *ast.BinaryExpr:
						t.Errorf("%s: Message is written out; build the error with Invalid, Conflict, NotFound, Unauthorized or Forbidden so Localize can translate it", fset.Position(v.Pos()))
					case *ast.CallExpr:
						if lit, ok := firstArg(v).(*ast.BasicLit); ok && lit.Kind == token.STRING && funcName(v.Fun) == "Sprintf" {
							t.Errorf("%s: Message is fmt.Sprintf(…); build the error with Invalid, Conflict, NotFound, Unauthorized or Forbidden so Localize can translate it", fset.Position(v.Pos()))
						}
					}
				}
				return true
			})
		}
	}
	return out
}

// formatParam returns the name of parameter i of a function type, or "" if it has none.
func formatParam(ft *ast.FuncType, i int) string {
	n := 0
	for _, f := range ft.Params.List {
		for _, name := range f.Names {
			if n == i {
				return name.Name
			}
			n++
		}
	}
	return ""
}

func firstArg(c *ast.CallExpr) ast.Expr {
	if len(c.Args) == 0 {
		return nil
	}
	return c.Args[0]
}

func funcName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// verb is one formatting verb of a format: the argument it reads (from 1) and its letter.
type verb struct {
	arg  int
	char byte
}

// verbs parses the verbs of a format, following explicit argument indexes ("%[2]s").
func verbs(format string) ([]verb, error) {
	var out []verb
	next := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed [ at byte %d", i)
			}
			n, err := strconv.Atoi(format[i+1 : i+end])
			if err != nil || n < 1 {
				return nil, fmt.Errorf("bad argument index %q", format[i:i+end+1])
			}
			next, i = n, i+end+1
			for i < len(format) && strings.IndexByte("0123456789.", format[i]) >= 0 {
				i++
			}
		}
		if i >= len(format) {
			return nil, fmt.Errorf("%% at the end")
		}
		if strings.IndexByte("*[", format[i]) >= 0 {
			return nil, fmt.Errorf("* widths are not supported here")
		}
		out = append(out, verb{next, format[i]})
		next++
	}
	return out, nil
}

// checkTranslation reports how vi fails to be a translation of the format en: every argument
// of en read by vi with the same verb, no other, as many verbs as en, and a clean fmt result.
func checkTranslation(en, vi string) error {
	ev, err := verbs(en)
	if err != nil {
		return fmt.Errorf("English: %v", err)
	}
	vv, err := verbs(vi)
	if err != nil {
		return fmt.Errorf("Vietnamese: %v", err)
	}
	if len(vv) != len(ev) {
		return fmt.Errorf("%d verbs in Vietnamese, %d in English", len(vv), len(ev))
	}
	want := map[int]byte{}
	for _, v := range ev {
		want[v.arg] = v.char
	}
	used := map[int]bool{}
	for _, v := range vv {
		c, ok := want[v.arg]
		if !ok {
			return fmt.Errorf("Vietnamese reads argument %d; English has %d", v.arg, len(ev))
		}
		if c != v.char {
			return fmt.Errorf("argument %d is %%%c in Vietnamese, %%%c in English", v.arg, v.char, c)
		}
		used[v.arg] = true
	}
	if len(used) != len(want) {
		return fmt.Errorf("Vietnamese leaves out an argument (uses %d of %d)", len(used), len(want))
	}
	args := make([]any, len(ev))
	for _, v := range ev {
		switch v.char {
		case 'd':
			args[v.arg-1] = 7
		case 'g':
			args[v.arg-1] = 7.5
		default:
			args[v.arg-1] = "x"
		}
	}
	if s := fmt.Sprintf(vi, args...); strings.Contains(s, "%!") {
		return fmt.Errorf("formats badly: %s", s)
	}
	return nil
}

// messageDirs are the packages whose messages reach a clerk through Localize: domain (its rule
// messages, which it keeps: domain.MessagesVI) and, with their words in this catalogue, the ledger,
// the HTTP API and the parts mounted beside it (webhooks), the packages whose errors the API passes
// on (the read models' queries, reports), the command line with the demo it loads, the event store,
// proofs and checkpoints.
var messageDirs = []string{"../domain", "../ledger", "../httpapi", "../reactive", "../projections", "../report", "../cmd/ocopledger", "../demo", "../eventstore", "../provenance", "../provenance/verify", "../checkpoint", "../datadir", "../witness", "../tables", "../internal/userfile", "../internal/clihelp"}

// TestEveryMessageHasAVietnameseForm: every message format written in those packages has its
// Vietnamese form, which reads the same arguments; every form is of a message still written; and
// each is where it belongs: the domain's rule messages in domain, the adapters' here.
func TestEveryMessageHasAVietnameseForm(t *testing.T) {
	formats := map[string][]string{} // format → where it is written
	ofDomain := map[string]bool{}    // formats written in domain
	for _, d := range messageDirs {
		for f, at := range sourceFormats(t, filepath.FromSlash(d)) {
			formats[f] = append(formats[f], at...)
			if d == "../domain" {
				ofDomain[f] = true
			}
		}
	}
	if len(formats) < 400 {
		t.Fatalf("found %d message formats in %s; the scan is broken (expected more than 400)", len(formats), strings.Join(messageDirs, ", "))
	}
	var keys []string
	for f := range formats {
		keys = append(keys, f)
	}
	slices.Sort(keys)
	for _, en := range keys {
		vi, ok := format("vi", en)
		if !ok {
			t.Errorf("%s: no Vietnamese form for %q (domain/messages_vi.go if domain writes it, i18n/messages_vi.go if not)", formats[en][0], en)
			continue
		}
		if err := checkTranslation(en, vi); err != nil {
			t.Errorf("the Vietnamese form of %q, %q: %v", en, vi, err)
		}
	}
	inDomain := map[string]bool{}
	for en := range domain.MessagesVI() {
		inDomain[en] = true
		if !ofDomain[en] {
			t.Errorf("domain.MessagesVI has %q, which domain does not write: move it to i18n/messages_vi.go, or remove it if nothing writes it", en)
		}
	}
	for _, table := range []map[string]string{messagesVI, messagesVIGuard, messagesVITables} {
		for en := range table {
			switch {
			case inDomain[en]:
				t.Errorf("%q is in domain/messages_vi.go and in i18n: keep it in domain only", en)
			case ofDomain[en]:
				t.Errorf("i18n has %q, which domain writes: move it to domain/messages_vi.go", en)
			case formats[en] == nil:
				t.Errorf("i18n has %q, which no message of %s uses any more; remove it", en, strings.Join(messageDirs, ", "))
			}
		}
	}
}

// TestEveryKeyIsInBothLanguages: the catalogue was built without error, speaks Vietnamese and
// English, and holds every message in both; the English text of a message is its key.
func TestEveryKeyIsInBothLanguages(t *testing.T) {
	if buildErr != nil {
		t.Fatalf("building the catalogue: %v", buildErr)
	}
	langs := catalogue.Languages()
	for _, want := range []language.Tag{language.Vietnamese, language.English} {
		if !slices.Contains(langs, want) {
			t.Errorf("the catalogue has the languages %v, not %v", langs, want)
		}
	}
	n := 0
	for _, table := range tables() {
		for key, want := range table {
			n++
			if en, ok := format("en", key); !ok || en != key {
				t.Errorf("English of %q: %q, %v", key, en, ok)
			}
			if vi, ok := format("vi", key); !ok || vi != want {
				t.Errorf("Vietnamese of %q: %q, %v; want %q", key, vi, ok, want)
			}
			if strings.Contains(key, "${") || strings.Contains(want, "${") {
				t.Errorf("%q: ${ is a substitution of the catalogue; write it otherwise", key)
			}
		}
	}
	if n < 400 {
		t.Errorf("the catalogue has %d messages; expected more than 400", n)
	}
	if _, ok := format("vi", "not a message of the ledger"); ok {
		t.Error("a key the catalogue does not have has a Vietnamese form")
	}
}

func TestCheckTranslationCatchesMistakes(t *testing.T) {
	for _, c := range []struct {
		en, vi string
		ok     bool
	}{
		{"%s is before %s", "%s ở trước", false},           // an argument left out
		{"%s is before %s", "%s ở trước %s %s", false},     // one too many
		{"%d stars", "%s sao", false},                      // another verb
		{"%s is before %s", "trước %[2]s là %[2]s", false}, // the first argument lost in reordering
		{"%s is before %s", "trước %[3]s là %[1]s", false}, // an argument that does not exist
		{"%s on %s", "%[2]s: %[1]s", true},                 // reordered
		{"%02d/%d", "%02[1]d-%[2]d", true},                 // width and index
		{"100%% of %d", "100%% của %d", true},              // a literal percent
	} {
		if err := checkTranslation(c.en, c.vi); (err == nil) != c.ok {
			t.Errorf("checkTranslation(%q, %q) = %v, want ok=%v", c.en, c.vi, err, c.ok)
		}
	}
}

func TestLocalize(t *testing.T) {
	date := domain.MustDate(2025, 8, 7)
	cert := func(stars int, a domain.Authority) domain.OCOPCertified {
		return domain.OCOPCertified{
			ProductID: "toi-ly-son", ProductName: "Tỏi Lý Sơn", ProducerID: "phu-sinh", ProducerName: "Công ty TNHH Phú Sinh",
			ProducerKind: "enterprise", ProductSet: "I.4b", Stars: domain.Stars(stars),
			Decision: domain.Decision{Number: "1/QĐ", Date: date, Authority: a},
			Address:  domain.Address{Commune: "xã An Vĩnh", District: "huyện Lý Sơn", Province: "Quảng Ngãi"},
		}
	}
	noName := cert(4, domain.AuthorityProvince)
	noName.ProductName = " "
	noDate := cert(4, domain.AuthorityProvince)
	noDate.Decision.Date = domain.NoDate
	_, badDate := domain.ParseDate("2025-02-30")
	for _, c := range []struct {
		err    error
		en, vi string
	}{
		{cert(2, domain.AuthorityProvince).Validate(),
			"stars: 2 stars get no certificate: only 3, 4 or 5 stars are certified",
			"stars: 2 sao không được cấp giấy chứng nhận: chỉ sản phẩm 3, 4 hoặc 5 sao mới được chứng nhận"},
		{noName.Validate(),
			"product_name: is empty",
			"product_name: đang để trống"},
		{noDate.Validate(),
			"decision.date: is missing: give a date as yyyy-mm-dd",
			"decision.date: còn thiếu: hãy ghi ngày theo dạng yyyy-mm-dd"},
		{domain.Invalid("noticed_on", "%s is after the expiry %s", date.VN(), date.AddDays(-1).VN()),
			"noticed_on: 07/08/2025 is after the expiry 06/08/2025",
			"noticed_on: ngày 07/08/2025 sau ngày hết hạn 06/08/2025"},
		// A label argument is named in the reader's language.
		{cert(4, domain.AuthorityDistrict).Validate(),
			"decision.authority: District People's Committee may not certify 4 stars on 07/08/2025; on that date 4-star certificates are issued by Provincial People's Committee",
			"decision.authority: UBND huyện không có thẩm quyền chứng nhận sản phẩm 4 sao vào ngày 07/08/2025; vào ngày đó, giấy chứng nhận 4 sao do UBND tỉnh cấp"},
		// A cause quoted in a message is translated too, and text that wraps it stays.
		{fmt.Errorf("import line 3: %w", domain.Invalid("decision.date", "%v", badDate)),
			`import line 3: decision.date: "2025-02-30" is not a real date: day 30 does not exist in 02/2025`,
			`import line 3: decision.date: "2025-02-30" không phải là ngày có thật: tháng 02/2025 không có ngày 30`},
		// An adapter's message, from this catalogue.
		{domain.Unauthorized("Authorization", "this token is not known"),
			"Authorization: this token is not known",
			"Authorization: mã truy cập này không có trong danh sách của máy chủ"},
		// Numbers in a message are written as they are, not grouped: a year is not "2.025".
		{domain.Invalid("round_year", "%d is not a year of the programme: give a year from %d to %d", 1999, 2018, 2099),
			"round_year: 1999 is not a year of the programme: give a year from 2018 to 2099",
			"round_year: 1999 không phải là năm của chương trình: hãy ghi một năm từ 2018 đến 2099"},
		// Not a domain error: the same in both languages.
		{errors.New("disk full"), "disk full", "disk full"},
	} {
		if c.err == nil {
			t.Fatalf("no error; want %s", c.en)
		}
		if got := Localize(c.err, "en"); got != c.en {
			t.Errorf("Localize(en)\n got %s\nwant %s", got, c.en)
		}
		if got := c.err.Error(); got != c.en {
			t.Errorf("Error()\n got %s\nwant %s", got, c.en)
		}
		if got := Localize(c.err, "vi"); got != c.vi {
			t.Errorf("Localize(vi)\n got %s\nwant %s", got, c.vi)
		}
	}
	if got := Localize(nil, "vi"); got != "" {
		t.Errorf("Localize(nil) = %q, want empty", got)
	}
}

func TestLocalizeDecodeErrors(t *testing.T) {
	for _, c := range []struct {
		typ, payload string
		vi           string
	}{
		{"ocop.revoked", `{"decision": {"date": "2025-02-30"}}`,
			`decision.date: "2025-02-30" không phải là ngày có thật: tháng 02/2025 không có ngày 30`},
		{"ocop.certified", `{"stars": "four"}`,
			"stars: có giá trị sai kiểu: JSON ghi chuỗi chữ trong khi cần một số"},
		{"ocop.certified", `{"starz": 4}`,
			"starz: không phải là trường của loại sự kiện này (hãy kiểm tra chính tả trong docs/events.md)"},
		{"ocop.unknown", `{}`,
			`type: "ocop.unknown" không phải là loại sự kiện đã biết; các loại đã biết: ` + strings.Join(domain.EventTypes(), ", ")},
	} {
		_, err := domain.Decode(c.typ, 1, []byte(c.payload))
		if err == nil {
			t.Fatalf("Decode(%s, %s) accepted it", c.typ, c.payload)
		}
		if got := Localize(err, "vi"); got != c.vi {
			t.Errorf("Decode(%s, %s) in Vietnamese\n got %s\nwant %s\n(English: %s)", c.typ, c.payload, got, c.vi, err)
		}
	}
}

// A message whose text was changed after it was built is not replaced by a translation of what
// it used to say.
func TestLocalizeKeepsAMessageChangedByHand(t *testing.T) {
	e := domain.Invalid("stars", "is empty")
	e.Message = "must be given"
	if got := Localize(e, "vi"); got != "stars: must be given" {
		t.Errorf("Localize = %q, want the message as changed", got)
	}
}
