package checkpoint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/provenance"
)

// Witnesses' cosignatures (c2sp.org/tlog-cosignature) of the published checkpoints are kept in a
// stream of their own, OCOP_COSIGNATURES, that nothing may delete or purge: one message per
// checkpoint and witness, on subject ocop.cosignatures.<checkpoint's position in
// OCOP_CHECKPOINTS>.<witness key ID, 8 hex digits>, holding the signature line
// "— <witness> base64(key ID ‖ timestamp ‖ signature)\n". A witness's first cosignature of a
// checkpoint is the one kept.

const (
	// CosignatureStream is the JetStream stream of the witnesses' cosignatures.
	CosignatureStream = "OCOP_COSIGNATURES"
	// CosignatureSubjects are its subjects.
	CosignatureSubjects = "ocop.cosignatures.>"
)

func cosignatureSubject(seq uint64, keyID uint32) string {
	return fmt.Sprintf("ocop.cosignatures.%d.%08x", seq, keyID)
}

func openCosignatures(ctx context.Context, js jetstream.JetStream, replicas int, create bool) (jetstream.Stream, error) {
	st, err := js.Stream(ctx, CosignatureStream)
	if errors.Is(err, jetstream.ErrStreamNotFound) && create {
		st, err = js.CreateStream(ctx, jetstream.StreamConfig{
			Name:        CosignatureStream,
			Description: "ocopledger witnesses' cosignatures of the checkpoints (C2SP tlog-cosignature): append-only",
			Subjects:    []string{CosignatureSubjects},
			Retention:   jetstream.LimitsPolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    replicas,
			Discard:     jetstream.DiscardNew,
			MaxMsgs:     -1,
			MaxBytes:    -1,
			MaxMsgSize:  4 << 10,
			Duplicates:  eventstore.DuplicateWindow,
			DenyDelete:  true,
			DenyPurge:   true,
			AllowDirect: true,
		})
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			st, err = js.Stream(ctx, CosignatureStream)
		}
	}
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("checkpoint: stream %s: %w", CosignatureStream, err)
	}
	if c := st.CachedInfo().Config; !c.DenyDelete || !c.DenyPurge || c.AllowRollup || c.MaxAge != 0 || c.Retention != jetstream.LimitsPolicy {
		return nil, domain.Internal("the stream %s allows its checkpoints to be removed: ocopledger refuses it", CosignatureStream)
	}
	return st, nil
}

// AddCosignatures takes a checkpoint note cosigned by witnesses: it must be a checkpoint this
// ledger published (same text, the log's signature valid) and carry at least one valid
// cosignature by a witness among witnesses. Each new cosignature is stored; the checkpoint is
// returned with all the cosignatures the ledger holds for it.
func (l *Log) AddCosignatures(ctx context.Context, msg []byte, witnesses []note.Verifier) (*Entry, error) {
	if l.key == nil || l.stream == nil || l.cosig == nil {
		return nil, domain.NotFound("this server keeps no signed checkpoints")
	}
	if len(witnesses) == 0 {
		return nil, domain.Forbidden("this ledger knows no witness: its operator names each witness's key with serve --witness-key")
	}
	cp, cs, err := provenance.OpenCosigned(msg, note.VerifierList(l.key.Verifier), witnesses)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, domain.Forbidden("the checkpoint carries no cosignature by a witness this ledger knows (its operator names each witness's key with serve --witness-key)")
	}
	e, err := l.At(ctx, cp.Size)
	if err != nil {
		return nil, err
	}
	if e == nil || !bytes.HasPrefix([]byte(e.Note), append(cp.Marshal(), '\n')) {
		return nil, domain.HistoryMismatch("this ledger published no checkpoint of %d entries with the root %s", cp.Size, cp.Root)
	}
	for _, c := range cs {
		subj := cosignatureSubject(e.Seq, c.KeyID)
		if _, err := l.cosig.GetLastMsgForSubject(ctx, subj); err == nil {
			continue // this witness's first cosignature of the checkpoint is kept
		} else if !errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil, fmt.Errorf("checkpoint: cosignatures: %w", err)
		}
		m := nats.NewMsg(subj)
		m.Data = []byte(c.Line)
		m.Header.Set(jetstream.MsgIDHeader, "cosignature-"+strconv.FormatUint(e.Seq, 10)+"-"+fmt.Sprintf("%08x", c.KeyID))
		if _, err := l.js.PublishMsg(ctx, m); err != nil {
			return nil, fmt.Errorf("checkpoint: publish a cosignature: %w", err)
		}
	}
	out := *e
	if err := l.WithCosignatures(ctx, &out, witnesses); err != nil {
		return nil, err
	}
	return &out, nil
}

// WithCosignatures fills e's Cosignatures and Cosigned with the stored cosignatures of e by the
// witnesses given, each checked again.
func (l *Log) WithCosignatures(ctx context.Context, e *Entry, witnesses []note.Verifier) error {
	if l.cosig == nil || len(witnesses) == 0 || l.key == nil {
		return nil
	}
	cosigned := []byte(e.Note)
	for _, w := range witnesses {
		m, err := l.cosig.GetLastMsgForSubject(ctx, cosignatureSubject(e.Seq, w.KeyHash()))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("checkpoint: cosignatures: %w", err)
		}
		cosigned = append(cosigned, m.Data...)
	}
	_, cs, err := provenance.OpenCosigned(cosigned, note.VerifierList(l.key.Verifier), witnesses)
	if err != nil {
		return fmt.Errorf("checkpoint: the stored cosignatures of checkpoint %d: %w", e.Seq, err)
	}
	e.Cosignatures = cs
	if len(cs) > 0 {
		e.Cosigned = string(cosigned)
	}
	return nil
}
