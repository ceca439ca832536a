package domain_test

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

const eventsDoc = "../docs/events.md"

// docExample is a ```json block of docs/events.md and the heading it sits under.
type docExample struct {
	heading string // the event type of an event heading, or the heading text
	line    int
	body    string
}

var eventHeading = regexp.MustCompile("^### `([a-z0-9_.]+)`")

func readDocExamples(t *testing.T) (examples []docExample, text string) {
	t.Helper()
	raw, err := os.ReadFile(eventsDoc)
	if err != nil {
		t.Fatalf("read %s: %v", eventsDoc, err)
	}
	var (
		heading string
		inJSON  bool
		start   int
		body    strings.Builder
	)
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case inJSON && strings.HasPrefix(line, "```"):
			examples = append(examples, docExample{heading, start, body.String()})
			inJSON = false
		case inJSON:
			body.WriteString(line + "\n")
		case strings.HasPrefix(line, "```json"):
			inJSON, start = true, n
			body.Reset()
		case strings.HasPrefix(line, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(line, "#"))
			if m := eventHeading.FindStringSubmatch(line); m != nil {
				heading = m[1]
			}
		}
	}
	if inJSON {
		t.Fatalf("%s:%d: a ```json block is not closed", eventsDoc, start)
	}
	return examples, string(raw)
}

// Every JSON example under an event heading is a valid payload of that type; the envelope
// example carries a valid payload of the type it names.
func TestDocsEventExamplesAreValid(t *testing.T) {
	examples, _ := readDocExamples(t)
	seen := map[string]int{}
	for _, ex := range examples {
		if domain.KnownType(ex.heading) {
			seen[ex.heading]++
			if _, err := domain.DecodeValid(ex.heading, 1, []byte(ex.body)); err != nil {
				t.Errorf("%s:%d: the example of %s is not valid: %v", eventsDoc, ex.line, ex.heading, err)
			}
			continue
		}
		var env struct {
			Type   string          `json:"type"`
			Schema int             `json:"schema"`
			Stream string          `json:"stream"`
			Data   json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal([]byte(ex.body), &env); err != nil || env.Type == "" {
			t.Errorf("%s:%d: a JSON block under %q is neither an event example nor an envelope (%v)", eventsDoc, ex.line, ex.heading, err)
			continue
		}
		e, err := domain.DecodeValid(env.Type, env.Schema, env.Data)
		if err != nil {
			t.Errorf("%s:%d: the envelope's data is not a valid %s: %v", eventsDoc, ex.line, env.Type, err)
		} else if e.Stream() != env.Stream {
			t.Errorf("%s:%d: the envelope says stream %s, its data belongs to %s", eventsDoc, ex.line, env.Stream, e.Stream())
		}
	}
	for _, typ := range domain.EventTypes() {
		if seen[typ] == 0 {
			t.Errorf("%s has no section with a JSON example for %s", eventsDoc, typ)
		}
	}
}

// The reference lists every figure ID and every value of the sets an integrator must send.
func TestDocsListFiguresAndValues(t *testing.T) {
	_, text := readDocExamples(t)
	want := []string{}
	for _, f := range domain.Figures() {
		want = append(want, f.ID)
	}
	for _, s := range domain.SiteTypes() {
		want = append(want, string(s))
	}
	for _, p := range domain.ProductSets() {
		want = append(want, string(p))
	}
	want = append(want,
		string(domain.AuthorityDistrict), string(domain.AuthorityProvince), string(domain.AuthorityMinistry),
		string(domain.LevelDistrict), string(domain.LevelCommune), string(domain.LevelProvince), string(domain.LevelRegion), string(domain.LevelNational),
		string(domain.FundingMinistry), string(domain.FundingProvince), string(domain.FundingPrivate),
		string(domain.KindProvincialFair), string(domain.KindDistrictFair), string(domain.KindMarketSession), string(domain.KindConference), string(domain.KindOutsideFair),
		string(domain.OutcomeKeep), string(domain.OutcomeUpgrade), string(domain.OutcomeDowngrade),
		"enterprise", "cooperative", "cooperative_group", "household",
		"quangngaitrade", "kontumtrade", "shopee", "voso", "postmart", "lazada", "tiki", "tiktok",
		"not_reevaluated", "failed_criteria", "quality_violation", "ceased_operating", "voluntary",
		"Nats-Msg-Id", "Ocop-Type", "Ocop-Version", "ocop.events.",
	)
	for _, w := range want {
		if !strings.Contains(text, "`"+w) {
			t.Errorf("%s does not list `%s`", eventsDoc, w)
		}
	}
	// Values the docs list must be values the code accepts: a platform, a reason, a producer kind.
	for _, tc := range []struct{ typ, data string }{
		{domain.TypeListingCreated, `{"listing_id":"x","platform":"tiktok","product_name":"x","business_id":"b","business_name":"b","listed_on":"2024-01-01"}`},
		{domain.TypeOCOPRevoked, `{"product_id":"x","certificate":"c","reason":"not_reevaluated","decision":{"number":"n","date":"2024-01-01","authority":"province"}}`},
		{domain.TypeProducerRegistered, `{"producer_id":"x","name":"x","kind":"household","address":{"province":"Kon Tum"}}`},
	} {
		if _, err := domain.DecodeValid(tc.typ, 1, []byte(tc.data)); err != nil {
			t.Errorf("a value the docs list is refused: %v", err)
		}
	}
}
