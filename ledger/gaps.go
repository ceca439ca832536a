package ledger

import (
	"errors"
	"fmt"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// ReadError is err told for a clerk when a read of the log met positions the store could not
// give back (an *eventstore.GapError): a history mismatch (exit code 6, HTTP 409) naming them.
// Any other error is returned as it is.
func ReadError(err error) error {
	var gap *eventstore.GapError
	if !errors.As(err, &gap) || domain.ErrorCode(err) != domain.CodeInternal {
		return err
	}
	e := domain.HistoryMismatch("the log lacks %d entries, at positions %s: the store cannot read them (a damaged or deleted message, or a log cut short); ocopledger export --salvage saves every entry that can still be read",
		gap.Count(), Positions(*gap))
	e.Err = err
	return e
}

// Positions writes a run of positions for a clerk: "700", or "150–300".
func Positions(gap eventstore.GapError) string {
	if gap.From == gap.To {
		return fmt.Sprint(gap.From)
	}
	return fmt.Sprintf("%d–%d", gap.From, gap.To)
}
