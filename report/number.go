package report

import (
	"strconv"
	"strings"
)

// Number writes a count the way the report does. In Vietnamese a number below ten takes two
// digits ("02 sản phẩm", "09 điểm") and thousands are separated by a dot ("1.400"); in English
// the number is plain with a comma between thousands ("2", "1,400").
func Number(n int64, lang string) string {
	if lang == "en" {
		return group(n, ",", false)
	}
	return group(n, ".", true)
}

// plain writes a number with the language's thousands separator but without the report's
// two-digit padding: for differences, log positions and counts outside the report's sentences.
func plain(n int64, lang string) string {
	if lang == "en" {
		return group(n, ",", false)
	}
	return group(n, ".", false)
}

// signed writes a difference with its sign: "+2", "-1", "0".
func signed(n int64, lang string) string {
	if n > 0 {
		return "+" + plain(n, lang)
	}
	return plain(n, lang)
}

func group(n int64, sep string, pad bool) string {
	neg := n < 0
	digits := strconv.FormatInt(n, 10)
	if neg {
		digits = digits[1:]
	}
	if pad && len(digits) == 1 {
		digits = "0" + digits
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}
