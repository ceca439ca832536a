package i18n

// messagesVIImports are the Vietnamese forms of the messages of imports: the ledger's batch, the
// event store's appends across records and POST /v1/imports.
var messagesVIImports = map[string]string{
	"a batch records entries now, after the versions it read: no backfill or expected version":                                       "một lô ghi các mục vào lúc này, sau các phiên bản đã đọc: không ghi lùi thời gian, không ghi theo phiên bản mong đợi",
	"is given twice in one batch; give all its events at once":                                                                       "được nêu hai lần trong một lô; hãy nêu mọi sự kiện của nó cùng một lần",
	"is set: a batch across records is recorded now, not backfilled":                                                                 "đã được đặt: một lô ghi vào nhiều hồ sơ được ghi vào lúc này, không ghi lùi thời gian",
	"%q is not a kind of table; known kinds: %s":                                                                                     "%q không phải là một loại bảng; các loại: %s",
	"%q is not a spreadsheet: send the file itself as %s (.xlsx) or text/csv, or a multipart/form-data form with the field \"file\"": "%q không phải là một bảng tính: hãy gửi chính tệp dưới dạng %s (.xlsx) hoặc text/csv, hoặc một biểu mẫu multipart/form-data có trường \"file\"",
	"%q: give true or false": "%q: hãy ghi true hoặc false",
	"cannot be read: %v":     "không đọc được: %v",
	"is %d bytes; an import takes at most %d MiB: split the table into several files":     "dài %d byte; mỗi lần nhập nhận tối đa %d MiB: hãy chia bảng thành nhiều tệp",
	"is empty: send the spreadsheet to import":                                            "đang trống: hãy gửi bảng tính cần nhập",
	"is larger than %d MiB, the most an import takes: split the table into several files": "lớn hơn %d MiB, mức tối đa của một lần nhập: hãy chia bảng thành nhiều tệp",
	"is missing: send the spreadsheet in the form field \"file\"":                         "chưa có: hãy gửi bảng tính trong trường \"file\" của biểu mẫu",
	"reading the file: %v":                  "khi đọc tệp: %v",
	"the multipart form cannot be read: %v": "không đọc được biểu mẫu multipart: %v",

	// The import command's summary of a refused table (cmd/ocopledger cmd_xlsximport.go).
	"%d errors in %d rows; the valid rows were stored; the rows with errors are in %s, to fix and import again": "%d lỗi trong %d dòng; đã ghi các dòng hợp lệ; các dòng lỗi ở %s để sửa và nhập lại",
	"%d errors in %d rows; the valid rows were stored":                                                          "%d lỗi trong %d dòng; đã ghi các dòng hợp lệ",
	"%d errors in the table; nothing was stored; the rows with errors are in %s, to fix and import again":       "%d lỗi trong bảng; không ghi gì; các dòng lỗi ở %s để sửa và nhập lại",
	"%d errors in the table; nothing was stored":                                                                "%d lỗi trong bảng; không ghi gì",
}
