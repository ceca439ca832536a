package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ocopledger/ocopledger/tables"
)

// tableFormat reads ?format (json, the default; csv; xlsx) and ?sep (the CSV separator, , or ;)
// of an endpoint whose answer is also a table.
func tableFormat(q query) (tables.Format, tables.Options, error) {
	f := tables.FormatJSON
	if s := q.get("format"); s != "" {
		var err error
		if f, err = tables.ParseFormat("format", s, tables.FormatJSON, tables.FormatCSV, tables.FormatXLSX); err != nil {
			return "", tables.Options{}, err
		}
	}
	sep, err := tables.ParseSep("sep", q.get("sep"))
	return f, tables.Options{Sep: sep}, err
}

// writeTable answers with a table as a file to download (CSV or XLSX): the bytes the command
// line writes for the same query, named after the table and its day.
func (s *Server) writeTable(w http.ResponseWriter, r *http.Request, t *tables.Table, f tables.Format, o tables.Options) {
	var b bytes.Buffer
	if err := tables.Write(&b, t, f, o); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, t.FileName(f)))
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(b.Bytes()); err != nil {
		s.log.Warn("writing a table failed", "path", r.URL.Path, "err", err)
	}
}
