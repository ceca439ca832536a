package i18n

// messagesVITables is the Vietnamese form of the messages of the tables' formats (package
// tables, the --format, --sep and --out options, ?format and ?sep).
var messagesVITables = map[string]string{
	"%q is not a format of this answer: give one of %s":                                                  "%q không phải là một dạng của kết quả này: hãy chọn một trong %s",
	"%q is not a format of a table: give text, csv or xlsx":                                              "%q không phải là một dạng của bảng: hãy chọn text, csv hoặc xlsx",
	"%q is not a separator of CSV fields: give , or ; (comma or semicolon)":                              "%q không phải là dấu phân cách các cột của CSV: hãy dùng , hoặc ; (comma hoặc semicolon)",
	"an XLSX file cannot be shown on a terminal: give --out FILE.xlsx, or redirect the output to a file": "không thể hiện tệp XLSX lên màn hình: hãy thêm --out TỆP.xlsx, hoặc chuyển kết quả vào một tệp",
	"--follow prints text or JSON: give --format text or json, or leave out --follow":                    "--follow chỉ in văn bản hoặc JSON: hãy dùng --format text hoặc json, hoặc bỏ --follow",
	"give one of --format, --csv and --json":                                                             "hãy chỉ dùng một trong --format, --csv và --json",
}
