package i18n

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	for _, c := range []struct {
		n      int64
		vi, en string
	}{
		{0, "0", "0"},
		{7, "7", "7"},
		{999, "999", "999"},
		{1400, "1.400", "1,400"},
		{-1400, "-1.400", "-1,400"},
		{1234567, "1.234.567", "1,234,567"},
		{-9223372036854775808, "-9.223.372.036.854.775.808", "-9,223,372,036,854,775,808"},
	} {
		if got := Int("vi", c.n); got != c.vi {
			t.Errorf("Int(vi, %d) = %q, want %q", c.n, got, c.vi)
		}
		if got := Int("en", c.n); got != c.en {
			t.Errorf("Int(en, %d) = %q, want %q", c.n, got, c.en)
		}
	}
}

func TestIntPadded(t *testing.T) {
	for _, c := range []struct {
		n      int64
		vi, en string
	}{
		{0, "00", "00"},
		{2, "02", "02"},
		{-3, "-03", "-03"},
		{42, "42", "42"},
		{1400, "1.400", "1,400"},
	} {
		if got := IntPadded("vi", c.n, 2); got != c.vi {
			t.Errorf("IntPadded(vi, %d, 2) = %q, want %q", c.n, got, c.vi)
		}
		if got := IntPadded("en", c.n, 2); got != c.en {
			t.Errorf("IntPadded(en, %d, 2) = %q, want %q", c.n, got, c.en)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		vi, en string
	}{
		{0, "0 ms", "0 ms"},
		{45 * time.Millisecond, "45 ms", "45 ms"},
		{999 * time.Millisecond, "999 ms", "999 ms"},
		{time.Second, "1,0 giây", "1.0 s"},
		{6200 * time.Millisecond, "6,2 giây", "6.2 s"},
		{6250 * time.Millisecond, "6,2 giây", "6.2 s"}, // ties to even, as fmt does
		{6260 * time.Millisecond, "6,3 giây", "6.3 s"},
		{83 * time.Second, "83,0 giây", "83.0 s"},
		{20 * time.Minute, "1200,0 giây", "1200.0 s"}, // seconds are not grouped
	} {
		if got := Duration("vi", c.d); got != c.vi {
			t.Errorf("Duration(vi, %v) = %q, want %q", c.d, got, c.vi)
		}
		if got := Duration("en", c.d); got != c.en {
			t.Errorf("Duration(en, %v) = %q, want %q", c.d, got, c.en)
		}
	}
}

// The formatter writes what the hand-written ones it replaced wrote (report/number.go's group and
// the command line's groupDigits and elapsed), for random numbers and durations.
func TestFormatterMatchesTheOneItReplaced(t *testing.T) {
	group := func(n int64, sep string, pad bool) string { // report/number.go before
		neg := n < 0
		digits := fmt.Sprint(n)
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
	elapsed := func(d time.Duration, lang string) string { // cmd/ocopledger before
		if d < time.Second {
			return fmt.Sprintf("%d ms", d.Milliseconds())
		}
		if lang == "en" {
			return fmt.Sprintf("%.1f s", d.Seconds())
		}
		return strings.Replace(fmt.Sprintf("%.1f", d.Seconds()), ".", ",", 1) + " giây"
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		n := r.Int64N(1 << uint(r.IntN(62)+1))
		if r.IntN(4) == 0 {
			n = -n
		}
		if got, want := Int("vi", n), group(n, ".", false); got != want {
			t.Fatalf("Int(vi, %d) = %q, was %q", n, got, want)
		}
		if got, want := Int("en", n), group(n, ",", false); got != want {
			t.Fatalf("Int(en, %d) = %q, was %q", n, got, want)
		}
		if got, want := IntPadded("vi", n, 2), group(n, ".", true); got != want {
			t.Fatalf("IntPadded(vi, %d) = %q, was %q", n, got, want)
		}
		d := time.Duration(r.Int64N(int64(time.Duration(1) << uint(r.IntN(44)+1))))
		for _, lang := range []string{"vi", "en"} {
			if got, want := Duration(lang, d), elapsed(d, lang); got != want {
				t.Fatalf("Duration(%s, %v) = %q, was %q", lang, d, got, want)
			}
		}
	}
}
