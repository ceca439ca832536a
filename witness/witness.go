// Package witness is a witness of the ledger's log, run by another party (the provincial
// inspectorate) so that no one, the Department included, can show two different histories. It
// follows the ledger's checkpoints over HTTP, checks that each new one is consistent with the last
// it cosigned (the consistency proof verified here, against the root it kept, never on the
// ledger's word) and cosigns it (c2sp.org/tlog-cosignature), posting the cosignature back to the
// ledger. Its state folder holds its key, the last checkpoint it cosigned, and the evidence of any
// fork it refused.
package witness

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/provenance"
)

// Config says which ledger a witness follows, with which key and state folder.
type Config struct {
	Ledger    string                 // the ledger's HTTP address, like http://127.0.0.1:8080
	Verifiers note.Verifiers         // the ledger's verifier keys
	Key       *provenance.WitnessKey // the witness's cosigning key (LoadKey)
	Dir       string                 // the state folder
	Token     string                 // bearer token for the ledger, if it asks for one
	Lang      string                 // the language asked of the ledger's messages: vi or en
	// Every is how often Run checks the ledger: at least a second; default a minute.
	Every time.Duration
	// Client asks the ledger; default a client with a 30-second timeout.
	Client *http.Client
	// OnRound, if set, is told what each round of Run did; its error counts as the round's.
	OnRound func(Round) error
	// OnError is told of a round of Run that failed, before it tries again. Run needs it, so
	// that no failure goes unsaid; Round returns its error.
	OnError func(err error, retryIn time.Duration)
}

// CheckLedger says whether address is that of an HTTP server.
func CheckLedger(address string) error {
	if u, err := url.Parse(address); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return domain.Invalid("ledger", "%q is not the address of a server: write it like http://127.0.0.1:8080", address)
	}
	return nil
}

// Validate checks the configuration, after setting the defaults of what is not given.
func (c *Config) Validate() error {
	if c.Every == 0 {
		c.Every = time.Minute
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Ledger == "" {
		return domain.Invalid("ledger", "is missing: give the ledger's address, like http://127.0.0.1:8080")
	}
	if err := CheckLedger(c.Ledger); err != nil {
		return err
	}
	switch {
	case c.Every < time.Second:
		return domain.Invalid("every", "%s is too short: check at most once a second", c.Every)
	case c.Verifiers == nil:
		return domain.Invalid("ledger-key", "is missing: give the ledger's verifier key, as ocopledger key prints it")
	case c.Dir == "" || c.Key == nil:
		return domain.Invalid("state", "is missing: give the witness's state folder (its key and what it cosigned are kept there)")
	}
	return nil
}

// LoadKey readies the state folder dir and returns the witness's key there, made on first use
// with the given name (empty: witness.example/<host name>).
func LoadKey(dir, name string) (*provenance.WitnessKey, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, domain.Invalid("state", "the folder %s cannot be made: %v", dir, err)
	}
	return provenance.LoadOrCreateWitnessKey(dir, name)
}

// Witness follows one ledger with one state folder, which it holds locked while open.
type Witness struct {
	cfg  Config
	base string // the ledger's address without a trailing slash
	lock *flock.Flock
}

// Open validates cfg and takes the state folder: one witness at a time works in it.
func Open(cfg Config) (*Witness, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	lock := flock.New(filepath.Join(cfg.Dir, "witness.lock"))
	if ok, err := lock.TryLock(); err != nil || !ok {
		return nil, domain.Conflict("another witness is running with the state folder %s", cfg.Dir)
	}
	return &Witness{cfg: cfg, base: strings.TrimRight(cfg.Ledger, "/"), lock: lock}, nil
}

// Close releases the state folder.
func (w *Witness) Close() error { return w.lock.Unlock() }

// Run checks the ledger every cfg.Every until ctx ends (then it returns nil), telling OnRound
// what each round did and OnError of each round that failed. A fork stops it: the refusal is
// returned (domain.CodeHistoryMismatch), and the witness never signs past it.
func (w *Witness) Run(ctx context.Context) error {
	if w.cfg.OnError == nil {
		return errors.New("witness: Run needs Config.OnError, to say why a round failed")
	}
	for {
		r, err := w.Round(ctx)
		if err == nil && w.cfg.OnRound != nil {
			err = w.cfg.OnRound(r)
		}
		if domain.ErrorCode(err) == domain.CodeHistoryMismatch {
			return err
		}
		if err != nil && ctx.Err() == nil {
			w.cfg.OnError(err, w.cfg.Every)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(w.cfg.Every):
		}
	}
}

// Outcome is what a round did.
type Outcome int

const (
	// Cosigned: the round cosigned a new checkpoint and the ledger took the cosignature.
	Cosigned Outcome = iota
	// Unchanged: the latest checkpoint is the one already cosigned; nothing was done.
	Unchanged
	// Reposted: the latest checkpoint was cosigned before but the ledger had not taken the
	// cosignature; it took it now.
	Reposted
)

func (o Outcome) String() string {
	switch o {
	case Cosigned:
		return "cosigned"
	case Unchanged:
		return "unchanged"
	case Reposted:
		return "reposted"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Round is what one round did, and the checkpoint it is about.
type Round struct {
	Outcome Outcome
	Origin  string
	Size    int64
	Root    tlog.Hash
	// Cosigned is the checkpoint's note with the witness's cosignature.
	Cosigned string
}

// Round checks the ledger's latest checkpoint and cosigns it if it extends the last one cosigned.
// A checkpoint that does not is refused, with the evidence kept in the state folder
// (domain.CodeHistoryMismatch).
func (w *Witness) Round(ctx context.Context) (Round, error) {
	st, err := LoadState(w.cfg.Dir)
	if err != nil {
		return Round{}, err
	}
	var latest struct {
		Note string `json:"checkpoint"`
	}
	if err := w.get(ctx, "/v1/checkpoints/latest", &latest, nil); err != nil {
		return Round{}, err
	}
	cp, err := provenance.Open([]byte(latest.Note), w.cfg.Verifiers)
	if err != nil {
		return Round{}, fmt.Errorf("the ledger's latest checkpoint: %w", err)
	}
	// Only the log's own signature is cosigned over: the note as the log signed it.
	text, _, _ := strings.Cut(latest.Note, "\n\n")
	signed := text + "\n\n"
	for _, line := range strings.SplitAfter(latest.Note[len(signed):], "\n") {
		if strings.HasPrefix(line, "— "+cp.Origin+" ") {
			signed += line
		}
	}
	if st != nil {
		switch {
		case cp.Origin != st.Origin:
			return Round{}, domain.Invalid("ledger-key", "this witness follows the log %s, not %s: use another state folder for another log", st.Origin, cp.Origin)
		case cp.Size < st.Size:
			return Round{}, w.refuse(st, signed, nil, func(dir string) error {
				return domain.HistoryMismatch("the witness refuses to cosign: the ledger's latest checkpoint is of %d entries, fewer than the %d of the checkpoint this witness cosigned (the history was cut back). The evidence is kept in %s", cp.Size, st.Size, dir)
			})
		case cp.Size == st.Size && cp.Root != st.Root:
			return Round{}, w.refuse(st, signed, nil, func(dir string) error {
				return domain.HistoryMismatch("the witness refuses to cosign: the ledger's checkpoint of %d entries has the root %s, but the one this witness cosigned has %s (two different histories). The evidence is kept in %s", cp.Size, cp.Root, st.Root, dir)
			})
		case cp.Size == st.Size:
			r := Round{Outcome: Unchanged, Origin: cp.Origin, Size: cp.Size, Root: cp.Root, Cosigned: st.Cosigned}
			if !st.Posted { // the ledger did not take it last time
				r.Outcome = Reposted
				return r, w.post(ctx, st)
			}
			return r, nil
		}
		if err := w.checkConsistency(ctx, st, cp.Checkpoint, signed); err != nil {
			return Round{}, err
		}
	}
	cosigned, _, err := provenance.Cosign([]byte(signed), w.cfg.Key)
	if err != nil {
		return Round{}, err
	}
	next := &State{Origin: cp.Origin, Size: cp.Size, Root: cp.Root, Cosigned: string(cosigned), CosignedAt: time.Now().UTC()}
	if err := next.save(w.cfg.Dir); err != nil {
		return Round{}, err
	}
	if err := w.post(ctx, next); err != nil {
		return Round{}, err
	}
	return Round{Outcome: Cosigned, Origin: cp.Origin, Size: cp.Size, Root: cp.Root, Cosigned: next.Cosigned}, nil
}

// checkConsistency asks the ledger for the proof that cp extends the checkpoint of st and checks
// it, refusing cp if it does not.
func (w *Witness) checkConsistency(ctx context.Context, st *State, cp provenance.Checkpoint, signed string) error {
	q := url.Values{"from": {strconv.FormatInt(st.Size, 10)}, "to": {strconv.FormatInt(cp.Size, 10)}}
	var proof provenance.ConsistencyProof
	var raw []byte
	if err := w.get(ctx, "/v1/proofs/consistency?"+q.Encode(), &proof, &raw); err != nil {
		if domain.ErrorCode(err) == domain.CodeHistoryMismatch {
			return w.refuse(st, signed, raw, func(dir string) error {
				return domain.HistoryMismatch("the witness refuses to cosign: the ledger gives no proof that its log of %d entries extends the one of %d entries this witness cosigned (%v). The evidence is kept in %s", cp.Size, st.Size, err, dir)
			})
		}
		return err
	}
	// The proof's hashes are checked against the root this witness kept and the root of the
	// checkpoint it verified: the ledger's copies of the checkpoints are not relied on.
	if proof.OldSize != st.Size || proof.NewSize != cp.Size || tlog.CheckTree(proof.Hashes, cp.Size, cp.Root, st.Size, st.Root) != nil {
		return w.refuse(st, signed, raw, func(dir string) error {
			return domain.HistoryMismatch("the witness refuses to cosign: the ledger's log of %d entries (root %s) does not extend the log of %d entries (root %s) this witness cosigned: the consistency proof does not verify. The evidence is kept in %s", cp.Size, cp.Root, st.Size, st.Root, dir)
		})
	}
	return nil
}

// refuse keeps the evidence of an inconsistent checkpoint in the state folder, in
// evidence-<size>-<root prefix>/: the checkpoint the witness cosigned, the one the ledger shows,
// the ledger's answer to the proof asked for (if any) and why; then returns the refusal.
func (w *Witness) refuse(st *State, presented string, proof []byte, refusal func(dir string) error) error {
	var cp provenance.Checkpoint
	if text, _, ok := strings.Cut(presented, "\n\n"); ok {
		cp, _ = provenance.ParseCheckpoint([]byte(text + "\n"))
	}
	dir := filepath.Join(w.cfg.Dir, fmt.Sprintf("evidence-%d-%x", cp.Size, cp.Root[:6]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("witness: keeping the evidence in %s: %w", dir, err)
	}
	err := refusal(dir)
	files := map[string][]byte{
		"cosigned-checkpoint.txt":  []byte(st.Cosigned),
		"presented-checkpoint.txt": []byte(presented),
		"reason.txt":               []byte(time.Now().UTC().Format(time.RFC3339) + " " + w.base + "\n" + err.Error() + "\n"),
	}
	if proof != nil {
		files["consistency-proof.json"] = proof
	}
	for name, data := range files {
		if werr := writeFileAtomic(filepath.Join(dir, name), data); werr != nil {
			return fmt.Errorf("%w (and the evidence could not be kept: %v)", err, werr)
		}
	}
	return err
}
