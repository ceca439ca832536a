package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
)

// The log's provable history over HTTP: the signed checkpoints (C2SP tlog-checkpoint notes, also
// published on NATS in OCOP_CHECKPOINTS) and the proofs an auditor checks offline with
// `ocopledger verify --proof` (package provenance).

// checkpoints is the checkpoint log, or an error saying that this server keeps none.
func (s *Server) checkpoints() (*checkpoint.Log, error) {
	if s.cfg.Checkpoints == nil {
		return nil, domain.NotFound("this server keeps no signed checkpoints")
	}
	return s.cfg.Checkpoints, nil
}

// provenanceOf is the provenance of an answer read from the first size entries of the log.
func (s *Server) provenanceOf(ctx context.Context, size uint64) checkpoint.Provenance {
	return s.cfg.Checkpoints.ProvenanceOf(ctx, s.cfg.Projection, size)
}

// handleCheckpoints lists the published checkpoints, oldest first, paged by their position in
// the checkpoint stream: ?after=N&limit=M.
func (s *Server) handleCheckpoints(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "after", "limit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	after, err := q.uint("after", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := q.uint("limit", 100)
	if err != nil || limit < 1 || limit > 1000 {
		s.fail(w, r, domain.Invalid("limit", "give a number from 1 to 1000"))
		return
	}
	cl, err := s.checkpoints()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, last, err := cl.List(r.Context(), after, int(limit))
	for i := range list {
		if err == nil {
			err = cl.WithCosignatures(r.Context(), &list[i], s.cfg.Witnesses)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := map[string]any{"checkpoints": list, "last": last}
	if n := len(list); n > 0 && list[n-1].Seq < last {
		body["next_after"] = list[n-1].Seq
	}
	if list == nil {
		body["checkpoints"] = []checkpoint.Entry{}
	}
	writeJSON(w, http.StatusOK, body)
}

// handleLatestCheckpoint answers the last published checkpoint.
func (s *Server) handleLatestCheckpoint(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r); err != nil {
		s.fail(w, r, err)
		return
	}
	cl, err := s.checkpoints()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := cl.Latest(r.Context())
	if err == nil && e == nil {
		err = domain.NotFound("no checkpoint has been published yet")
	}
	if err == nil {
		err = cl.WithCosignatures(r.Context(), e, s.cfg.Witnesses)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// handleCosignatures takes a witness's cosignature: the body is the signed note of a checkpoint
// this ledger published, with the witness's signature line added (text, as the witness sends
// it). It answers the checkpoint with every cosignature held for it.
func (s *Server) handleCosignatures(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r); err != nil {
		s.fail(w, r, err)
		return
	}
	cl, err := s.checkpoints()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 64<<10))
	if err != nil {
		s.fail(w, r, domain.Invalid("checkpoint", "the cosigned checkpoint is too large or was cut short: send the note as the witness signed it"))
		return
	}
	e, err := cl.AddCosignatures(r.Context(), body, s.cfg.Witnesses)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// handleMakeCheckpoint makes a checkpoint now, of the log as it stands (once the read models
// have read it), and publishes it: 201 with it, or 200 with the last one if it is of that size.
func (s *Server) handleMakeCheckpoint(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r); err != nil {
		s.fail(w, r, err)
		return
	}
	cl, err := s.checkpoints()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	end, err := s.cfg.Store.LastSequence(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if err := s.cfg.Projection.WaitReady(ctx, end); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = domain.Unavailable("the read models are still reading the log (%d events so far); ask again shortly", s.cfg.Projection.Checkpoint())
		}
		s.fail(w, r, err)
		return
	}
	e, made, err := cl.Make(r.Context(), s.cfg.Projection)
	if err == nil && e == nil {
		err = domain.NotFound("the log is empty: there is nothing to commit to yet")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if made {
		status = http.StatusCreated
	}
	writeJSON(w, status, e)
}

// handleInclusionProof answers the proof that an entry (?position=N or ?id=…) is in the log of
// ?size= entries (default: the last published checkpoint's).
func (s *Server) handleInclusionProof(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "position", "id", "size")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pos, err := q.uint("position", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	size, err := q.uint("size", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cl, err := s.checkpoints()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := q.get("id")
	switch {
	case id != "" && pos != 0:
		err = domain.Invalid("id", "give the entry by position or by id, not both")
	case id == "" && pos == 0:
		err = domain.Invalid("position", "give the entry's position (1 or more) or its id")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proof, err := cl.ProveEntry(r.Context(), s.cfg.Projection, pos, id, size)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, proof)
}

// handleConsistencyProof answers the proof that the log of ?from= entries is a prefix of the log
// of ?to= entries (default: all the read models hold).
func (s *Server) handleConsistencyProof(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "from", "to")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	from, err := q.uint("from", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to, err := q.uint("to", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cl, err := s.checkpoints()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proof, err := cl.ProveConsistency(r.Context(), s.cfg.Projection, from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, proof)
}
