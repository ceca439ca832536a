package tables

import "github.com/ocopledger/ocopledger/ledger"

// Recorded is the answer of record: where the entry stands in its record and in the log, and
// whether an earlier try had already recorded it.
func Recorded(pos ledger.Position, lang string) Reply {
	t := &text{lang: lang}
	dup := ""
	if pos.Duplicate {
		dup = Label{" (đã ghi trước đó, không ghi lại)", " (already recorded earlier; nothing written)"}.In(lang)
	}
	t.f("đã ghi %s: %s phiên bản %d, vị trí %d, mã %s%s\n", "recorded %s: %s version %d, position %d, id %s%s\n",
		pos.Type, pos.Stream, pos.Version, pos.Sequence, pos.ID, dup)
	return Reply{pos, t.String()}
}
