package report

import "github.com/ocopledger/ocopledger/i18n"

// Number writes a count the way the report does. In Vietnamese a number below ten takes two
// digits ("02 sản phẩm", "09 điểm") and thousands are separated by a dot ("1.400"); in English
// the number is plain with a comma between thousands ("2", "1,400").
func Number(n int64, lang string) string {
	if lang == "en" {
		return i18n.Int(lang, n)
	}
	return i18n.IntPadded(lang, n, 2)
}

// plain writes a number with the language's thousands separator but without the report's
// two-digit padding: for differences, log positions and counts outside the report's sentences.
func plain(n int64, lang string) string { return i18n.Int(lang, n) }

// signed writes a difference with its sign: "+2", "-1", "0".
func signed(n int64, lang string) string {
	if n > 0 {
		return "+" + plain(n, lang)
	}
	return plain(n, lang)
}
