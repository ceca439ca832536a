// Package tables holds the tables the ledger answers with — the items of a figure (explain), the
// certificates that expire, the figures with their breakdowns, a diff between two knowledge
// times, a timeline and a slice of the log — as typed tables, and writes them as the command
// line's text, as CSV and as XLSX. The command line and the HTTP API build a table from a
// projection's answer with the same builder and write it with the same renderer, so a file
// downloaded from the API has the bytes of the file the command line writes for the same query.
//
// A table's columns have a kind (text, integer, count, date, instant, stars) and a header in
// Vietnamese and English; its rows hold typed values: string, int64, domain.Date, time.Time, or
// nil for an empty cell. The renderers write each kind as a spreadsheet expects it: dates as
// dates (dd/mm/yyyy), stars and counts as numbers, and text that a spreadsheet would read as a
// formula (= + - @ tab CR at its start) neutralised.
package tables
