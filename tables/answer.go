package tables

// Answer is an answer to a question in every form it is written in: Value is its JSON (encoded
// as it is), Table builds its table for text, CSV and XLSX.
type Answer struct {
	Value any
	Table func() *Table
}
