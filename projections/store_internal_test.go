package projections

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// A log record encoded (ahead by a catch-up's reader, or by the applier) decodes to the event
// it was made of, whatever the length of its payload.
func TestLogRecordRoundTrip(t *testing.T) {
	at := time.Date(2025, 7, 1, 8, 30, 0, 123, time.UTC)
	for _, name := range []string{"Mật ong", strings.Repeat("Trà xanh Minh Long ", 20)} {
		e := domain.ProducerRegistered{ProducerID: "P-1", Name: name}
		r := domain.Recorded{ID: "01J", Type: e.EventType(), Stream: e.Stream(), Version: 3, Sequence: 9, RecordedAt: at, Actor: "clerk", Source: "QĐ 12", Event: e}
		b, err := appendLogOf([]byte("prefix"), r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeLog(9, b[len("prefix"):]).recorded()
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != r.ID || got.Type != r.Type || got.Stream != r.Stream || got.Version != 3 || !got.RecordedAt.Equal(at) ||
			got.Actor != "clerk" || got.Source != "QĐ 12" || got.Event.(domain.ProducerRegistered).Name != name {
			t.Errorf("decoded %+v, want %+v", got, r)
		}
	}
}
