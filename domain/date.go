package domain

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Vietnam is the civil time zone of the programme: Asia/Ho_Chi_Minh, UTC+7 all year
// (Vietnam keeps no daylight saving time, so a fixed zone is exact and needs no tzdata).
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Date is a civil date in Vietnam, counted in days since 2000-01-01 (day 0).
// The zero Date is 01/01/2000; use NoDate for "no date". A Date cannot hold
// an impossible calendar day: the only ways to build one check the calendar.
type Date int32

const (
	// NoDate is the absence of a date (an open end, an optional field left empty).
	NoDate Date = -1 << 30
	// Forever is the open end of a validity interval that has no end.
	Forever Date = 1 << 30
)

var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// MinYear and MaxYear bound the dates the ledger accepts; anything outside is an impossible date.
const (
	MinYear = 1990
	MaxYear = 2100
)

// NewDate returns the date y-m-d, or an error naming what is wrong with it.
func NewDate(y, m, d int) (Date, error) {
	if y < MinYear || y > MaxYear {
		return NoDate, errorf("year %d is outside %d–%d", y, MinYear, MaxYear)
	}
	if m < 1 || m > 12 {
		return NoDate, errorf("month %d does not exist", m)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if d < 1 || t.Day() != d {
		return NoDate, errorf("day %d does not exist in %02d/%d", d, m, y)
	}
	return Date(t.Sub(epoch).Hours() / 24), nil
}

// civil returns the date y-m-d with the calendar's carries (day 0 is the last of the month
// before) and without the bounds of NewDate: for arithmetic on dates already read. A result
// beyond what a Date holds saturates to Forever (or NoDate, before every date).
func civil(y, m, d int) Date {
	return clampDays((time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() - epoch.Unix()) / 86400)
}

// clampDays turns a day number into a Date, saturating at Forever and NoDate.
func clampDays(n int64) Date {
	switch {
	case n >= int64(Forever):
		return Forever
	case n <= int64(NoDate):
		return NoDate
	}
	return Date(n)
}

// MustDate is NewDate for constants in code and tests. It never panics (a ledger replays
// everything it ever accepted): an impossible date gives NoDate, which every rule treats as "no
// date" and the gate refuses; the constants built with it are checked by TestDateConstants.
func MustDate(y, m, d int) Date {
	dt, err := NewDate(y, m, d)
	if err != nil {
		return NoDate
	}
	return dt
}

// ParseDate reads "2025-08-07" (ISO, what the API and JSON use) or "07/08/2025" (dd/mm/yyyy,
// what Vietnamese documents use).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	var parts []string
	var y, m, d int
	var err error
	switch {
	case strings.Count(s, "-") == 2:
		parts = strings.Split(s, "-")
		y, m, d, err = atoi3(parts[0], parts[1], parts[2])
	case strings.Count(s, "/") == 2:
		parts = strings.Split(s, "/")
		y, m, d, err = atoi3(parts[2], parts[1], parts[0])
	default:
		return NoDate, errorf("%q is not a date: write it as yyyy-mm-dd or dd/mm/yyyy", s)
	}
	if err != nil {
		return NoDate, errorf("%q is not a date: write it as yyyy-mm-dd or dd/mm/yyyy", s)
	}
	dt, err := NewDate(y, m, d)
	if err != nil {
		return NoDate, errorf("%q is not a real date: %v", s, err)
	}
	return dt, nil
}

func atoi3(a, b, c string) (int, int, int, error) {
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	z, err3 := strconv.Atoi(c)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, 0, fmt.Errorf("not numeric")
	}
	return x, y, z, nil
}

// DateOf returns the civil date in Vietnam of the instant t.
// Instants before MinYear or after MaxYear (such as a zero time.Time) clamp to those years' ends.
func DateOf(t time.Time) Date {
	t = t.In(Vietnam)
	switch {
	case t.Year() < MinYear:
		return MustDate(MinYear, 1, 1)
	case t.Year() > MaxYear:
		return MustDate(MaxYear, 12, 31)
	}
	return civil(t.Year(), int(t.Month()), t.Day())
}

// Time returns midnight at the start of the date in Vietnam.
func (d Date) Time() time.Time {
	t := epoch.AddDate(0, 0, int(d))
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Vietnam)
}

// EndOfDay returns the last instant of the date in Vietnam: "as known on 07/08/2025" means
// everything recorded up to and including this instant.
func (d Date) EndOfDay() time.Time { return d.Time().Add(24*time.Hour - time.Nanosecond) }

// Valid reports whether d is a real date (not NoDate or Forever).
func (d Date) Valid() bool { return d != NoDate && d != Forever }

// YMD returns the year, month and day.
func (d Date) YMD() (int, int, int) {
	t := epoch.AddDate(0, 0, int(d))
	return t.Year(), int(t.Month()), t.Day()
}

// Year returns the calendar year.
func (d Date) Year() int { y, _, _ := d.YMD(); return y }

// AddDays returns d moved by n days. NoDate and Forever stay as they are, and a result beyond
// what a Date holds saturates (see civil), so no stored date can make arithmetic fail.
func (d Date) AddDays(n int) Date {
	if !d.Valid() {
		return d
	}
	return clampDays(int64(d) + int64(n))
}

// AddMonths returns the same day n months later; a day that does not exist in the target month
// (31/01 + 1 month) becomes the last day of that month. It is exact for every date a Date holds,
// beyond MinYear and MaxYear too (a certificate decided in 2099 ends in 2102); NoDate and Forever
// stay as they are, and results beyond what a Date holds saturate.
func (d Date) AddMonths(n int) Date {
	const far = 12 * 6_000_000 // more months than any two Dates are apart
	switch {
	case !d.Valid():
		return d
	case n > far:
		return Forever
	case n < -far:
		return NoDate
	}
	y, m, day := d.YMD()
	total := y*12 + (m - 1) + n
	ty, tm := total/12, total%12
	if tm < 0 {
		ty, tm = ty-1, tm+12
	}
	if last := civil(ty, tm+2, 0).dayOfMonth(); day > last {
		day = last
	}
	return civil(ty, tm+1, day)
}

func (d Date) dayOfMonth() int { _, _, day := d.YMD(); return day }

// String formats as ISO yyyy-mm-dd, the form of the API and of JSON.
func (d Date) String() string {
	switch d {
	case NoDate:
		return ""
	case Forever:
		return "∞"
	}
	y, m, day := d.YMD()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}

// VN formats as dd/mm/yyyy, the form of Vietnamese documents.
func (d Date) VN() string {
	switch d {
	case NoDate:
		return ""
	case Forever:
		return "không thời hạn"
	}
	y, m, day := d.YMD()
	return fmt.Sprintf("%02d/%02d/%04d", day, m, y)
}

// Format formats for a language: "vi" gives dd/mm/yyyy, anything else ISO.
func (d Date) Format(lang string) string {
	if lang == "vi" {
		return d.VN()
	}
	return d.String()
}

// MarshalJSON writes "yyyy-mm-dd", or null for NoDate.
func (d Date) MarshalJSON() ([]byte, error) {
	if d == NoDate {
		return []byte("null"), nil
	}
	if d == Forever {
		return []byte(`"9999-12-31"`), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "yyyy-mm-dd" or "dd/mm/yyyy"; null or "" is NoDate.
func (d *Date) UnmarshalJSON(b []byte) error {
	dt, ok := plainDate(b)
	if !ok {
		var err error
		if dt, err = dateFromJSON(b); err != nil {
			return err
		}
	}
	*d = dt
	return nil
}

// dateFromJSON reads any JSON value as a date, or says why it is not one.
func dateFromJSON(b []byte) (Date, error) {
	s := string(b)
	if s == "null" || s == `""` {
		return NoDate, nil
	}
	if !strings.HasPrefix(s, `"`) {
		// A number, boolean, object or list: a type error, which the decoder places in its field.
		return NoDate, &json.UnmarshalTypeError{Value: jsonKind(s), Type: reflect.TypeFor[Date]()}
	}
	uq, err := strconv.Unquote(s)
	if err != nil {
		return NoDate, errorf("%s is not a date: write it as \"yyyy-mm-dd\"", s)
	}
	if uq == "9999-12-31" {
		return Forever, nil
	}
	dt, err := ParseDate(uq)
	if err != nil {
		return NoDate, &dateError{value: uq, err: err}
	}
	return dt, nil
}

// plainDate reads "yyyy-mm-dd" of a real day other than 9999-12-31, as every stored date is
// written, without the copies and the splitting of the general path (dateFromJSON), which
// reads anything else, and gives the same Date for these (TestPlainDateAgrees).
func plainDate(b []byte) (Date, bool) {
	if len(b) != 12 || b[0] != '"' || b[5] != '-' || b[8] != '-' || b[11] != '"' {
		return NoDate, false
	}
	n := 0
	for i, c := range b[1:11] {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return NoDate, false
		}
		n = n*10 + int(c-'0')
	}
	y, m, day := n/10000, n/100%100, n%100
	if y == 9999 && m == 12 && day == 31 {
		return NoDate, false // Forever, read by the general path
	}
	dt, err := NewDate(y, m, day)
	return dt, err == nil
}

// jsonKind names the kind of a JSON value by its first byte, as json.UnmarshalTypeError does.
func jsonKind(s string) string {
	switch {
	case strings.HasPrefix(s, "{"):
		return "object"
	case strings.HasPrefix(s, "["):
		return "array"
	case s == "true" || s == "false":
		return "bool"
	}
	return "number"
}

// dateError is a date in JSON that is not a real date; the decoder finds which field held it.
type dateError struct {
	value string
	err   error
}

func (e *dateError) Error() string { return e.err.Error() }

// ParseKnownAt reads a knowledge time: an RFC 3339 instant, or a bare date meaning the end of
// that day in Vietnam. "now" or "" means the zero time, which callers read as "everything".
func ParseKnownAt(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "now" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", s, Vietnam); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, Vietnam); err == nil {
		return t, nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, errorf("%q is not a time: give a date (2025-08-07, meaning the end of that day in Vietnam) or an RFC 3339 instant", s)
	}
	return d.EndOfDay(), nil
}
