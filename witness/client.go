package witness

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
)

// post sends the cosigned checkpoint to the ledger and records that it took it.
func (w *Witness) post(ctx context.Context, st *State) error {
	req, err := http.NewRequestWithContext(ctx, "POST", w.base+"/v1/checkpoints/cosignatures", strings.NewReader(st.Cosigned))
	if err != nil {
		return domain.Invalid("ledger", "%q is not the address of a server: write it like http://127.0.0.1:8080", w.base)
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	if err := w.do(req, nil, nil); err != nil {
		return err
	}
	st.Posted = true
	return st.save(w.cfg.Dir)
}

// get asks the ledger for path and decodes its JSON answer into v; raw, if not nil, gets the body.
func (w *Witness) get(ctx context.Context, path string, v any, raw *[]byte) error {
	req, err := http.NewRequestWithContext(ctx, "GET", w.base+path, nil)
	if err != nil {
		return domain.Invalid("ledger", "%q is not the address of a server: write it like http://127.0.0.1:8080", w.base)
	}
	return w.do(req, v, raw)
}

// do sends req; an answer that is not a success is the ledger's error, with its code.
func (w *Witness) do(req *http.Request, v any, raw *[]byte) error {
	if w.cfg.Lang == "vi" || w.cfg.Lang == "en" {
		req.Header.Set("Accept-Language", w.cfg.Lang)
	}
	if w.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+w.cfg.Token)
	}
	res, err := w.cfg.Client.Do(req)
	if err != nil {
		return domain.Unavailable("the ledger at %s cannot be reached: %v", w.base, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return domain.Unavailable("the ledger at %s cannot be reached: %v", w.base, err)
	}
	if raw != nil {
		*raw = body
	}
	if res.StatusCode/100 != 2 {
		var e struct {
			Error struct {
				Code    domain.Code `json:"code"`
				Message string      `json:"message"`
			} `json:"error"`
		}
		json.Unmarshal(body, &e)
		msg := e.Error.Message
		if msg == "" {
			msg = http.StatusText(res.StatusCode)
		}
		de := domain.Invalid("", "the server %s answered %d: %s", req.URL.Path, res.StatusCode, msg)
		de.Code = e.Error.Code
		if de.Code == "" {
			de.Code = domain.CodeInternal
		}
		if de.Code == domain.CodeUnauthorized || de.Code == domain.CodeForbidden {
			de.Field = "token"
		}
		return de
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			return domain.Invalid("ledger", "the server %s did not answer JSON: %v", req.URL.Path, err)
		}
	}
	return nil
}
