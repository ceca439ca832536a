package i18n

// messagesVIImports are the Vietnamese forms of the messages of imports: the ledger's batch and
// the event store's appends across records.
var messagesVIImports = map[string]string{
	"a batch records entries now, after the versions it read: no backfill or expected version": "một lô ghi các mục vào lúc này, sau các phiên bản đã đọc: không ghi lùi thời gian, không ghi theo phiên bản mong đợi",
	"is given twice in one batch; give all its events at once":                                 "được nêu hai lần trong một lô; hãy nêu mọi sự kiện của nó cùng một lần",
	"is set: a batch across records is recorded now, not backfilled":                           "đã được đặt: một lô ghi vào nhiều hồ sơ được ghi vào lúc này, không ghi lùi thời gian",
}
