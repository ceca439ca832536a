package i18n

import (
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// printers writes numbers the way each language does: Vietnamese groups thousands with a dot and
// writes decimals with a comma ("1.400", "6,2"), English the other way round ("1,400", "6.2").
var printers = map[string]*message.Printer{
	"vi": message.NewPrinter(language.Vietnamese),
	"en": message.NewPrinter(language.English),
}

// printer returns the printer of lang: English for "en", Vietnamese for anything else (the
// ledger's language, and the default everywhere).
func printer(lang string) *message.Printer {
	if lang == "en" {
		return printers["en"]
	}
	return printers["vi"]
}

// Int writes n with the thousands separator of lang: 1400 is "1.400" in Vietnamese and "1,400"
// in English.
func Int(lang string, n int64) string {
	return printer(lang).Sprint(number.Decimal(n))
}

// Signed writes n like Int with its sign, "+1.400" or "-1": a change of a figure.
func Signed(lang string, n int64) string {
	if n > 0 {
		return "+" + Int(lang, n)
	}
	return Int(lang, n)
}

// IntPadded writes n like Int with at least digits digits: the Department's reports write a
// count under ten with two ("02 sản phẩm").
func IntPadded(lang string, n int64, digits int) string {
	return printer(lang).Sprint(number.Decimal(n, number.MinIntegerDigits(digits)))
}

// Duration writes how long something took for people: "45 ms" under a second, then seconds to
// one decimal, "6,2 giây" in Vietnamese and "6.2 s" in English (no thousands separator).
func Duration(lang string, d time.Duration) string {
	if d < time.Second {
		return printer(lang).Sprintf("%d ms", d.Milliseconds())
	}
	s := printer(lang).Sprint(number.Decimal(d.Seconds(), number.Scale(1), number.NoSeparator()))
	if lang == "en" {
		return s + " s"
	}
	return s + " giây"
}
