package eventstore

import (
	"strings"
	"testing"
)

// The refusal of a stream with other subjects names the subjects the ledger needs (its wording is
// a literal, so that the message catalogue can translate it: it must stay in step with Subjects).
func TestUnsafeSubjectsNameTheLedgerSubjects(t *testing.T) {
	c := streamConfig(Config{StreamName: DefaultStreamName, Replicas: 1})
	c.Subjects = []string{"other.>"}
	err := checkStreamConfig(c)
	if err == nil || !strings.Contains(err.Error(), Subjects) {
		t.Fatalf("a stream holding other subjects: %v; want a refusal naming %s", err, Subjects)
	}
}
