package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/importer"
)

// MaxImportBytes is the largest file POST /v1/imports takes.
const MaxImportBytes = 16 << 20

// Media types of the files POST /v1/imports takes.
const (
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mediaCSV  = "text/csv"
)

// importResponse answers POST /v1/imports: what the file holds, what was stored, and every row
// error with its row, column, field and the clerk's sentence in the language asked for.
type importResponse struct {
	Kind       string           `json:"kind"`
	Rows       int              `json:"rows"`
	Valid      int              `json:"valid"`
	Stored     int              `json:"stored"`
	Duplicates int              `json:"duplicates"`
	Errors     []importRowError `json:"errors"`
}

type importRowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "kind", "dry_run", "partial")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, ok := importer.LookupKind(q.get("kind"))
	if !ok {
		e := domain.Invalid("kind", "%q is not a kind of table; known kinds: %s", q.get("kind"), strings.Join(importer.KindIDs(), ", "))
		e.Value = q.get("kind")
		s.fail(w, r, e)
		return
	}
	dryRun, err := q.boolean("dry_run")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	partial, err := q.boolean("partial")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := errorLang(r)
	table, name, err := readImportFile(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	source := r.Header.Get("X-Source")
	if source == "" {
		source = name
	}
	out, err := importer.Import(r.Context(), s.cfg.Ledger, k, table, importer.Options{Source: source, Actor: IdentityFrom(r.Context()), DryRun: dryRun, Partial: partial})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := importResponse{Kind: k.ID, Rows: out.Rows, Valid: out.Valid, Stored: out.Stored, Duplicates: out.Present, Errors: []importRowError{}}
	for _, e := range out.Errors {
		res.Errors = append(res.Errors, importRowError{Row: e.Row, Column: e.Column, Field: e.Field, Message: e.Message(lang)})
	}
	status := http.StatusOK
	if len(out.Errors) > 0 && (dryRun || !partial) {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, res)
}

// readImportFile reads the file of POST /v1/imports — the body itself (XLSX or CSV by its
// Content-Type) or the field "file" of a multipart form — as a table, with its name.
func readImportFile(w http.ResponseWriter, r *http.Request) (table [][]string, name string, err error) {
	if r.ContentLength > MaxImportBytes {
		return nil, "", importTooLarge(r.ContentLength)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes)
	ct := r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	var body []byte
	name = "import"
	switch mt {
	case mediaXLSX, mediaCSV:
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, "", bodyError(err)
		}
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, "", domain.Invalid("Content-Type", "the multipart form cannot be read: %v", err)
		}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, "", domain.Invalid("file", "is missing: send the spreadsheet in the form field \"file\"")
			}
			if err != nil {
				return nil, "", bodyError(err)
			}
			if p.FormName() != "file" {
				continue
			}
			if body, err = io.ReadAll(p); err != nil {
				return nil, "", bodyError(err)
			}
			name = filepath.Base(p.FileName())
			mt, _, _ = mime.ParseMediaType(p.Header.Get("Content-Type"))
			switch {
			case strings.EqualFold(filepath.Ext(name), ".csv"):
				mt = mediaCSV
			case strings.EqualFold(filepath.Ext(name), ".xlsx"):
				mt = mediaXLSX
			case mt != mediaCSV:
				mt = mediaXLSX // a spreadsheet sent without a name or type: read as XLSX, which says if it is not
			}
			break
		}
	default:
		return nil, "", withStatus(http.StatusUnsupportedMediaType, domain.CodeInvalid, domain.Invalid("Content-Type",
			"%q is not a spreadsheet: send the file itself as %s (.xlsx) or text/csv, or a multipart/form-data form with the field \"file\"", ct, mediaXLSX))
	}
	if len(body) == 0 {
		return nil, "", domain.Invalid("file", "is empty: send the spreadsheet to import")
	}
	if mt == mediaCSV {
		table, err = importer.ReadCSV(bytes.NewReader(body))
	} else {
		table, err = importer.ReadXLSX(bytes.NewReader(body))
	}
	if err != nil {
		e := domain.Invalid("file", "cannot be read: %v", bilingual{importer.Message(err, "en"), importer.Message(err, "vi")})
		e.Err = err
		return nil, "", e
	}
	return table, name, nil
}

// bilingual is a text in English (its String) and in Vietnamese, as an argument of a message
// that i18n puts in Vietnamese.
type bilingual struct{ en, vi string }

func (b bilingual) String() string     { return b.en }
func (b bilingual) Vietnamese() string { return b.vi }

// boolean reads a parameter that is true or false (absent: false).
func (q query) boolean(k string) (bool, error) {
	switch v := strings.ToLower(q.get(k)); v {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	default:
		return false, domain.Invalid(k, "%q: give true or false", q.get(k))
	}
}

// bodyError is an error reading the request's body: too large, or cut.
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return importTooLarge(-1)
	}
	return domain.Invalid("file", "reading the file: %v", err)
}

// importTooLarge refuses a file of n bytes (n ≤ 0: its length is not known, only that it is too
// long).
func importTooLarge(n int64) error {
	mib := MaxImportBytes >> 20
	err := domain.Invalid("file", "is larger than %d MiB, the most an import takes: split the table into several files", mib)
	if n > 0 {
		err = domain.Invalid("file", "is %d bytes; an import takes at most %d MiB: split the table into several files", n, mib)
	}
	return withStatus(http.StatusRequestEntityTooLarge, domain.CodeInvalid, err)
}
