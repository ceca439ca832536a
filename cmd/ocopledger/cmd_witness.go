package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/spf13/cobra"
	"io"
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
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/provenance"
)

// A witness, run by another party (the provincial inspectorate), follows the ledger's checkpoints
// over HTTP, checks each new one is consistent with the last it cosigned (the consistency proof
// verified here, against the root it kept, never on the ledger's word) and cosigns it
// (c2sp.org/tlog-cosignature), posting the cosignature back to the ledger. Its state folder holds
// its key, the last checkpoint it cosigned, and the evidence of any fork it refused.

type witnessOptions struct {
	ledger    string
	ledgerKey []string
	token     string
	state     string
	name      string
	every     time.Duration
	once      bool
	printKey  bool
}

// witnessStateFile is the witness's state in its folder: the last checkpoint it cosigned.
const witnessStateFile = "witness-state.json"

// witnessState is the last checkpoint the witness cosigned, and whether the ledger took the
// cosignature.
type witnessState struct {
	Origin     string    `json:"origin"`
	Size       int64     `json:"size"`
	Root       tlog.Hash `json:"root"`
	Cosigned   string    `json:"cosigned"` // the checkpoint's note with the witness's cosignature
	CosignedAt time.Time `json:"cosigned_at"`
	Posted     bool      `json:"posted"` // the ledger took the cosignature
}

func newWitnessCmd(m *Main) *cobra.Command {
	o := &witnessOptions{}
	c := &cobra.Command{
		Use: "witness " + m.t("--ledger URL --ledger-key KHÓA --state THƯ-MỤC [--token MÃ] [--every 1m] [--once] | --state THƯ-MỤC --print-key",
			"--ledger URL --ledger-key KEY --state DIR [--token T] [--every 1m] [--once] | --state DIR --print-key"),
		Short: m.t("làm bên chứng kiến: theo dõi các điểm kiểm chứng của sổ cái, kiểm tra tính nhất quán và đồng ký xác nhận",
			"act as a witness: follow the ledger's checkpoints, check each is consistent with the last, and cosign it"),
		Long: m.t(`Chạy bởi một bên khác (ví dụ thanh tra tỉnh) để không ai, kể cả Sở, có thể đưa ra hai lịch sử
khác nhau. Bên chứng kiến định kỳ lấy điểm kiểm chứng mới nhất của sổ cái (GET /v1/checkpoints/latest),
kiểm tra chữ ký của sổ cái bằng khóa kiểm tra (--ledger-key), lấy bằng chứng nhất quán từ điểm kiểm
chứng nó đã đồng ký lần trước (GET /v1/proofs/consistency) và tự kiểm tra bằng chứng đó với mã băm gốc
nó đã lưu. Nếu hợp lệ, nó đồng ký (định dạng C2SP tlog-cosignature) và gửi chữ ký cho sổ cái
(POST /v1/checkpoints/cosignatures). Nếu sổ cái đưa ra một lịch sử khác (bị rẽ nhánh hoặc bị viết lại),
nó từ chối ký, lưu bằng chứng (hai điểm kiểm chứng và bằng chứng không hợp lệ) vào thư mục trạng thái
và dừng với mã thoát 6. Khóa ký của bên chứng kiến được tạo ở lần chạy đầu trong thư mục trạng thái;
--print-key in khóa kiểm tra để sổ cái (serve --witness-key) và kiểm toán viên (verify --witness-key)
dùng.
Mã thoát: 0 xong (với --once), 2 dữ liệu nhập không hợp lệ, 5 không được phép, 6 sổ cái không nhất
quán với điểm kiểm chứng đã đồng ký.`,
			`Run by another party (the provincial inspectorate, say) so that no one, the Department
included, can show two different histories. The witness regularly fetches the ledger's latest
checkpoint (GET /v1/checkpoints/latest), checks the ledger's signature with its verifier key
(--ledger-key), fetches the consistency proof from the checkpoint it cosigned last
(GET /v1/proofs/consistency) and checks that proof itself against the root it kept. If it holds, it
cosigns (C2SP tlog-cosignature) and sends the cosignature to the ledger
(POST /v1/checkpoints/cosignatures). If the ledger shows another history (a fork, or a rewritten
history), it refuses to sign, keeps the evidence (both checkpoints and the failing proof) in its state
folder and stops with exit code 6. The witness's signing key is made on first start in its state
folder; --print-key prints its verifier key for the ledger (serve --witness-key) and auditors
(verify --witness-key).
Exit codes: 0 done (with --once), 2 invalid input, 5 unauthorised, 6 the ledger is not consistent
with a checkpoint the witness cosigned.`),
		Example: m.t(`  ocopledger witness --state /var/lib/thanh-tra --print-key > thanh-tra.key
  ocopledger witness --ledger https://so-cong-thuong.example --ledger-key ocop.key --state /var/lib/thanh-tra`,
			`  ocopledger witness --state /var/lib/inspectorate --print-key > inspectorate.key
  ocopledger witness --ledger https://ledger.example --ledger-key ocop.key --state /var/lib/inspectorate`),
		RunE: func(c *cobra.Command, args []string) error { return runWitness(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	fs.StringVar(&o.ledger, "ledger", "", m.t(
		"địa chỉ HTTP của sổ cái, ví dụ http://127.0.0.1:8080",
		"the ledger's HTTP address, e.g. http://127.0.0.1:8080"))
	fs.StringArrayVar(&o.ledgerKey, "ledger-key", nil, m.t(
		"khóa kiểm tra của sổ cái (như ocopledger key in ra), hoặc tệp chứa khóa đó",
		"the ledger's verifier key (as ocopledger key prints it), or a file holding it"))
	fs.StringVar(&o.token, "token", os.Getenv("OCOPLEDGER_TOKEN"), m.t(
		"mã truy cập của sổ cái ($OCOPLEDGER_TOKEN)",
		"bearer token for the ledger ($OCOPLEDGER_TOKEN)"))
	fs.StringVar(&o.state, "state", "", m.t(
		"thư mục trạng thái của bên chứng kiến: khóa ký, điểm kiểm chứng đồng ký gần nhất, bằng chứng",
		"the witness's state folder: its signing key, the last checkpoint it cosigned, evidence"))
	fs.StringVar(&o.name, "name", "", m.t(
		"tên của bên chứng kiến khi tạo khóa mới, dạng địa chỉ không có giao thức (mặc định witness.example/<tên máy>)",
		"the witness's name for a new key, a schema-less URL (default witness.example/<host name>)"))
	fs.DurationVar(&o.every, "every", time.Minute, m.t(
		"khoảng thời gian giữa hai lần kiểm tra", "how often to check the ledger"))
	fs.BoolVar(&o.once, "once", false, m.t(
		"kiểm tra và đồng ký một lần rồi dừng", "check and cosign once, then stop"))
	fs.BoolVar(&o.printKey, "print-key", false, m.t(
		"in khóa kiểm tra của bên chứng kiến (tạo khóa nếu chưa có) rồi dừng",
		"print the witness's verifier key (making the key if there is none), then stop"))
	return c
}

func runWitness(ctx context.Context, m *Main, o *witnessOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "witness")
	}
	if o.state == "" {
		return usageError{domain.Invalid("state", "is missing: give the witness's state folder (its key and what it cosigned are kept there)")}
	}
	if err := os.MkdirAll(o.state, 0o700); err != nil {
		return domain.Invalid("state", "the folder %s cannot be made: %v", o.state, cause(err))
	}
	key, err := provenance.LoadOrCreateWitnessKey(o.state, o.name)
	if err != nil {
		return err
	}
	if key.Created {
		fmt.Fprintf(m.Err, m.t("đã tạo khóa ký mới cho bên chứng kiến %s trong %s; hãy sao lưu tệp này ở nơi an toàn\n",
			"made a new signing key for the witness %s in %s; back this file up somewhere safe\n"), key.Name, key.Path)
	}
	if o.printKey {
		if m.JSON {
			return m.printJSON(map[string]any{"verifier_key": key.VerifierKey, "name": key.Name, "signing_key_file": key.Path, "created": key.Created})
		}
		fmt.Fprintln(m.Out, key.VerifierKey)
		return nil
	}
	if o.ledger == "" {
		return usageError{domain.Invalid("ledger", "is missing: give the ledger's address, like http://127.0.0.1:8080")}
	}
	if u, err := url.Parse(o.ledger); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{domain.Invalid("ledger", "%q is not the address of a server: write it like http://127.0.0.1:8080", o.ledger)}
	}
	if len(o.ledgerKey) == 0 {
		return usageError{domain.Invalid("ledger-key", "is missing: give the ledger's verifier key, as ocopledger key prints it")}
	}
	verifiers, err := readVerifiers(o.ledgerKey)
	if err != nil {
		return err
	}
	if o.every < time.Second {
		return usageError{domain.Invalid("every", "%s is too short: check at most once a second", o.every)}
	}
	lock := flock.New(filepath.Join(o.state, "witness.lock"))
	if ok, err := lock.TryLock(); err != nil || !ok {
		return domain.Conflict("another witness is running with the state folder %s", o.state)
	}
	defer lock.Unlock()

	every, once := o.every, o.once
	w := &witness{m: m, key: key, verifiers: verifiers, dir: o.state, token: o.token,
		client: &http.Client{Timeout: 30 * time.Second}, base: strings.TrimRight(o.ledger, "/")}
	for {
		err := w.round(ctx)
		if once || domain.ErrorCode(err) == domain.CodeHistoryMismatch {
			return err // a fork stops the witness: it never signs past it
		}
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(m.Err, m.t("bên chứng kiến: %s (thử lại sau %s)\n", "witness: %s (trying again in %s)\n"), i18n.Localize(err, m.Lang), every)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(every):
		}
	}
}

type witness struct {
	m         *Main
	key       *provenance.WitnessKey
	verifiers note.Verifiers
	dir       string
	token     string
	client    *http.Client
	base      string
}

// round checks the ledger's latest checkpoint and cosigns it if it extends the last cosigned one.
func (w *witness) round(ctx context.Context) error {
	st, err := w.loadState()
	if err != nil {
		return err
	}
	var latest struct {
		Note string `json:"checkpoint"`
	}
	if err := w.get(ctx, "/v1/checkpoints/latest", &latest, nil); err != nil {
		return err
	}
	cp, err := provenance.Open([]byte(latest.Note), w.verifiers)
	if err != nil {
		return fmt.Errorf("the ledger's latest checkpoint: %w", err)
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
			return domain.Invalid("ledger-key", "this witness follows the log %s, not %s: use another state folder for another log", st.Origin, cp.Origin)
		case cp.Size < st.Size:
			return w.refuse(st, signed, nil, func(dir string) error {
				return domain.HistoryMismatch("the witness refuses to cosign: the ledger's latest checkpoint is of %d entries, fewer than the %d of the checkpoint this witness cosigned (the history was cut back). The evidence is kept in %s", cp.Size, st.Size, dir)
			})
		case cp.Size == st.Size && cp.Root != st.Root:
			return w.refuse(st, signed, nil, func(dir string) error {
				return domain.HistoryMismatch("the witness refuses to cosign: the ledger's checkpoint of %d entries has the root %s, but the one this witness cosigned has %s (two different histories). The evidence is kept in %s", cp.Size, cp.Root, st.Root, dir)
			})
		case cp.Size == st.Size && !st.Posted:
			return w.post(ctx, st) // the ledger did not take it last time
		case cp.Size == st.Size && w.m.JSON:
			return w.m.printJSON(map[string]any{"cosigned": false, "origin": cp.Origin, "size": cp.Size, "root": cp.Root, "checkpoint": st.Cosigned})
		case cp.Size == st.Size:
			w.say("nothing new: the checkpoint of %d entries is already cosigned\n", "không có gì mới: điểm kiểm chứng %d mục ghi đã được đồng ký\n", cp.Size)
			return nil
		}
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
	}
	cosigned, _, err := provenance.Cosign([]byte(signed), w.key)
	if err != nil {
		return err
	}
	next := &witnessState{Origin: cp.Origin, Size: cp.Size, Root: cp.Root, Cosigned: string(cosigned), CosignedAt: time.Now().UTC()}
	if err := w.saveState(next); err != nil {
		return err
	}
	if err := w.post(ctx, next); err != nil {
		return err
	}
	if w.m.JSON {
		return w.m.printJSON(map[string]any{"cosigned": true, "origin": cp.Origin, "size": cp.Size, "root": cp.Root, "checkpoint": next.Cosigned})
	}
	w.say("cosigned the checkpoint of %d entries of %s, root %s\n", "đã đồng ký điểm kiểm chứng %d mục ghi của %s, mã băm gốc %s\n", cp.Size, cp.Origin, cp.Root)
	return nil
}

func (w *witness) say(en, vi string, args ...any) {
	if w.m.JSON {
		return
	}
	fmt.Fprintf(w.m.Out, w.m.t(vi, en), args...)
}

// post sends the cosigned checkpoint to the ledger and records that it took it.
func (w *witness) post(ctx context.Context, st *witnessState) error {
	req, err := http.NewRequestWithContext(ctx, "POST", w.base+"/v1/checkpoints/cosignatures", strings.NewReader(st.Cosigned))
	if err != nil {
		return domain.Invalid("ledger", "%q is not the address of a server: write it like http://127.0.0.1:8080", w.base)
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	if _, err := w.do(req, nil, nil); err != nil {
		return err
	}
	st.Posted = true
	return w.saveState(st)
}

// get asks the ledger for path and decodes its JSON answer into v; raw, if not nil, gets the body.
func (w *witness) get(ctx context.Context, path string, v any, raw *[]byte) error {
	req, err := http.NewRequestWithContext(ctx, "GET", w.base+path, nil)
	if err != nil {
		return domain.Invalid("ledger", "%q is not the address of a server: write it like http://127.0.0.1:8080", w.base)
	}
	_, err = w.do(req, v, raw)
	return err
}

func (w *witness) do(req *http.Request, v any, raw *[]byte) (int, error) {
	if w.m.Lang == "vi" || w.m.Lang == "en" {
		req.Header.Set("Accept-Language", w.m.Lang)
	}
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	res, err := w.client.Do(req)
	if err != nil {
		return 0, domain.Unavailable("the ledger at %s cannot be reached: %v", w.base, cause(err))
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return res.StatusCode, domain.Unavailable("the ledger at %s cannot be reached: %v", w.base, cause(err))
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
		return res.StatusCode, de
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			return res.StatusCode, domain.Invalid("ledger", "the server %s did not answer JSON: %v", req.URL.Path, err)
		}
	}
	return res.StatusCode, nil
}

func (w *witness) loadState() (*witnessState, error) {
	path := filepath.Join(w.dir, witnessStateFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("witness: reading %s: %w", path, err)
	}
	var st witnessState
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil || st.Size < 1 || st.Origin == "" {
		return nil, domain.Invalid("state", "the file %s is not a witness's state (the last checkpoint it cosigned): restore it from a backup", path)
	}
	return &st, nil
}

// saveState writes the state whole or not at all (a temporary file, synced, renamed).
func (w *witness) saveState(st *witnessState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(w.dir, witnessStateFile), append(data, '\n'))
}

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("witness: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("witness: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("witness: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("witness: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("witness: writing %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// refuse keeps the evidence of an inconsistent checkpoint in the state folder, in
// evidence-<size>-<root prefix>/: the checkpoint the witness cosigned, the one the ledger shows,
// the ledger's answer to the proof asked for (if any) and why; then returns the refusal (exit 6).
func (w *witness) refuse(st *witnessState, presented string, proof []byte, refusal func(dir string) error) error {
	var cp provenance.Checkpoint
	if text, _, ok := strings.Cut(presented, "\n\n"); ok {
		cp, _ = provenance.ParseCheckpoint([]byte(text + "\n"))
	}
	dir := filepath.Join(w.dir, fmt.Sprintf("evidence-%d-%x", cp.Size, cp.Root[:6]))
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

// readWitnessVerifiers reads witness keys given with --witness-key: each a key, or a file
// holding keys, one a line.
func readWitnessVerifiers(keys []string) ([]note.Verifier, error) {
	var vkeys []string
	for _, k := range keys {
		if _, err := os.Stat(k); err == nil {
			data, err := readSmallFile("witness-key", k)
			if err != nil {
				return nil, err
			}
			for _, line := range strings.Split(string(data), "\n") {
				if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
					vkeys = append(vkeys, line)
				}
			}
			continue
		}
		vkeys = append(vkeys, k)
	}
	return provenance.NewWitnessVerifiers(vkeys...)
}
