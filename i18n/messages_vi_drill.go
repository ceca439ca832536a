package i18n

// messagesVIDrill is the Vietnamese form of the messages of explain's pages (issue 18).
var messagesVIDrill = map[string]string{
	"%d is not a page size: give 1 to %d items":                                "%d không phải là cỡ trang: hãy cho từ 1 đến %d đối tượng",
	"%q is not a cursor of this list: give the next cursor of the page before": "%q không phải là con trỏ của danh sách này: hãy cho con trỏ \"trang sau\" của trang trước",
	"a cursor needs a page size: give limit too":                               "con trỏ cần đi kèm cỡ trang: hãy cho cả limit",
}
