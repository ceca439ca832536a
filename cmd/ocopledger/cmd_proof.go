package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/provenance/verify"
)

type verifyOptions struct {
	checkpoints []string
	keys        []string
	proof       string
	witnessKeys []string
	witnesses   int
	hashes      string
}

type keyOptions struct {
	file   string
	origin string
}

func newVerifyCmd(m *Main) *cobra.Command {
	o := &verifyOptions{}
	c := m.command("verify", func(c *cobra.Command, args []string) error { return runVerify(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringArrayVar(&o.checkpoints, "checkpoint", nil, "")
	fs.StringArrayVar(&o.keys, "key", nil, "")
	fs.StringVar(&o.proof, "proof", "", "")
	fs.StringArrayVar(&o.witnessKeys, "witness-key", nil, "")
	fs.StringVar(&o.hashes, "hashes", "", "")
	fs.IntVar(&o.witnesses, "witnesses", 0, "")
	return c
}

func newKeyCmd(m *Main) *cobra.Command {
	o := &keyOptions{}
	c := m.command("key", func(c *cobra.Command, args []string) error { return runKey(c.Context(), m, o, args) },
		provenance.KeyFileName, provenance.KeyFileEnv)
	fs := c.Flags()
	fs.StringVar(&o.file, "signing-key", "", i18n.Flag(m.Lang, "key", "signing-key", provenance.KeyFileEnv))
	fs.StringVar(&o.origin, "origin", "", i18n.Flag(m.Lang, "key", "origin", provenance.DefaultOrigin))
	return c
}

func runKey(ctx context.Context, m *Main, o *keyOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "key")
	}
	k, err := provenance.LoadOrCreateKey(m.DataDir, provenance.KeyOptions{File: o.file, Origin: o.origin})
	if err != nil {
		return err
	}
	if m.JSON {
		return m.printJSON(map[string]any{"verifier_key": k.VerifierKey, "origin": k.Origin, "signing_key_file": k.Path, "created": k.Created})
	}
	if k.Created {
		fmt.Fprintf(m.Err, m.t("đã tạo khóa ký mới cho sổ cái %s trong %s; hãy sao lưu tệp này ở nơi an toàn\n",
			"made a new signing key for the log %s in %s; back this file up somewhere safe\n"), k.Origin, k.Path)
	}
	fmt.Fprintln(m.Out, k.VerifierKey)
	return nil
}

func runVerify(ctx context.Context, m *Main, o *verifyOptions, args []string) error {
	if len(o.keys) == 0 {
		return usageError{domain.Invalid("key", "is missing: give the log's verifier key, as ocopledger key prints it")}
	}
	verifiers, err := readVerifiers(o.keys)
	if err != nil {
		return err
	}
	if o.proof != "" {
		if len(args) > 0 || len(o.checkpoints) > 0 {
			return usagef("give either an export with its checkpoints or --proof, not both")
		}
		data, err := readSmallFile("proof", o.proof)
		if err != nil {
			return err
		}
		r, err := verify.Proof(data, verifiers)
		if err != nil {
			return err
		}
		return printProof(m, r)
	}
	witnesses, err := readWitnessVerifiers(o.witnessKeys)
	if err != nil {
		return err
	}
	keys := verify.Keys{Log: verifiers, Witnesses: witnesses, Quorum: o.witnesses}
	switch {
	case keys.Quorum == 0:
		keys.Quorum = len(witnesses)
	case keys.Quorum < 0 || keys.Quorum > len(witnesses):
		return usageError{domain.Invalid("witnesses", "%d is not a number of the %d witnesses given with --witness-key", keys.Quorum, len(witnesses))}
	}
	witnessedOnly := len(args) == 0 && len(witnesses) > 0 // the checkpoints' cosignatures alone
	if len(args) != 1 && !witnessedOnly {
		return usagef("verify takes one export file (or - for the standard input), got %d arguments", len(args))
	}
	if len(o.checkpoints) == 0 {
		return usageError{domain.Invalid("checkpoint", "is missing: give at least one signed checkpoint to verify the export against")}
	}
	var cps []verify.Checkpoint
	for _, path := range o.checkpoints {
		data, err := readSmallFile("checkpoint", path)
		if err != nil {
			return err
		}
		in, err := verify.Checkpoints(verify.File{Name: path, Data: data}, keys)
		if err != nil {
			return err
		}
		cps = append(cps, in...)
	}
	if witnessedOnly {
		return printWitnessed(m, cps)
	}
	var r io.Reader = m.In
	if args[0] != "-" {
		f, err := openInput("file", args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	var opt verify.ExportOptions
	if o.hashes != "" {
		f, err := openInput("hashes", o.hashes)
		if err != nil {
			return err
		}
		defer f.Close()
		opt.Hashes, opt.HashesName = f, o.hashes
	}
	rep, err := verify.Export(ctx, r, cps, opt)
	if err != nil {
		return err
	}
	return printExport(m, rep)
}

// printExport says what verify found in an export that matches its checkpoints.
func printExport(m *Main, rep *verify.ExportResult) error {
	if m.JSON {
		type irregular struct {
			Line    int64  `json:"line"`
			Message string `json:"message"`
		}
		type cp struct {
			Origin string `json:"origin"`
			Size   int64  `json:"size"`
			Root   string `json:"root"`
		}
		out := struct {
			Verified    bool                         `json:"verified"`
			Lines       int64                        `json:"lines"`
			Covered     int64                        `json:"covered"`
			Checkpoints []cp                         `json:"checkpoints"`
			Unreadable  []provenance.UnreadableEntry `json:"unreadable"`
			Irregular   []irregular                  `json:"irregular"`
			IrregularN  int64                        `json:"irregular_count"`
			First       time.Time                    `json:"first_recorded_at"`
			Last        time.Time                    `json:"last_recorded_at"`
		}{Verified: true, Lines: rep.Lines, Covered: rep.Covered, Unreadable: rep.Unreadable, Irregular: []irregular{},
			IrregularN: rep.IrregularCount, First: rep.FirstRecordedAt, Last: rep.LastRecordedAt}
		for _, f := range rep.Irregular {
			out.Irregular = append(out.Irregular, irregular{f.Line, i18n.Localize(f.Err, m.Lang)})
		}
		for _, c := range rep.Checkpoints {
			out.Checkpoints = append(out.Checkpoints, cp{c.Origin, c.Size, c.Root.String()})
		}
		if out.Unreadable == nil {
			out.Unreadable = []provenance.UnreadableEntry{}
		}
		return m.printJSON(out)
	}
	fmt.Fprintf(m.Out, m.t("Tệp xuất khớp với sổ cái %s: %s mục ghi đã kiểm tra trong %s.\n", "The export matches the log %s: %s entries checked in %s.\n"),
		rep.Checkpoints[0].Origin, i18n.Int(m.Lang, rep.Lines), i18n.Duration(m.Lang, rep.Took))
	for _, c := range rep.Checkpoints {
		fmt.Fprintf(m.Out, m.t("  điểm kiểm chứng %s mục ghi, mã băm gốc %s: khớp\n", "  checkpoint of %s entries, root %s: matches\n"), i18n.Int(m.Lang, c.Size), c.Root)
	}
	if rep.Lines > rep.Covered {
		fmt.Fprintf(m.Out, m.t("  các dòng %s–%s sau điểm kiểm chứng lớn nhất: đúng dạng và đúng thứ tự, nhưng chưa có điểm kiểm chứng nào xác nhận\n",
			"  lines %s–%s after the largest checkpoint: well formed and in order, but no checkpoint vouches for them yet\n"), i18n.Int(m.Lang, rep.Covered+1), i18n.Int(m.Lang, rep.Lines))
	}
	for _, u := range rep.Unreadable {
		fmt.Fprintf(m.Out, m.t("  vị trí %d (%s): có trong sổ cái nhưng không phải là sự kiện (không đọc được), đã tính theo nội dung lưu trữ\n",
			"  position %d (%s): in the log but not an event (unreadable), hashed as stored\n"), u.Position, u.Subject)
	}
	for _, f := range rep.Irregular {
		fmt.Fprintf(m.Out, m.t("  có trong lịch sử đã ký nhưng không đúng như sổ cái ghi (sổ cái cách ly mục ghi này): %s\n",
			"  in the signed history but not as the ledger writes entries (the ledger quarantines it): %s\n"), i18n.Localize(f.Err, m.Lang))
	}
	if more := rep.IrregularCount - int64(len(rep.Irregular)); more > 0 {
		fmt.Fprintf(m.Out, m.t("  … và %s mục ghi như vậy nữa\n", "  … and %s more such entries\n"), i18n.Int(m.Lang, more))
	}
	if !rep.FirstRecordedAt.IsZero() {
		fmt.Fprintf(m.Out, m.t("  ghi nhận từ %s đến %s\n", "  recorded from %s to %s\n"), m.instant(rep.FirstRecordedAt), m.instant(rep.LastRecordedAt))
	}
	return nil
}

// readVerifiers reads the verifier keys given with --key: each a key, or a file holding keys, one
// a line.
func readVerifiers(keys []string) (note.Verifiers, error) {
	vkeys, err := readKeys("key", keys)
	if err != nil {
		return nil, err
	}
	if len(vkeys) == 0 {
		return nil, domain.Invalid("key", "holds no verifier key")
	}
	return provenance.NewVerifiers(vkeys...)
}

// readWitnessVerifiers reads witness keys given with --witness-key: each a key, or a file
// holding keys, one a line.
func readWitnessVerifiers(keys []string) ([]note.Verifier, error) {
	vkeys, err := readKeys("witness-key", keys)
	if err != nil {
		return nil, err
	}
	return provenance.NewWitnessVerifiers(vkeys...)
}

// readKeys returns the keys given with the option field: each a key, or a file holding keys, one
// a line ('#' begins a comment line).
func readKeys(field string, keys []string) ([]string, error) {
	var vkeys []string
	for _, k := range keys {
		if _, err := os.Stat(k); err != nil {
			vkeys = append(vkeys, k)
			continue
		}
		data, err := readSmallFile(field, k)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				vkeys = append(vkeys, line)
			}
		}
	}
	return vkeys, nil
}

// readSmallFile reads a checkpoint, key or proof file (at most 1 MiB).
func readSmallFile(field, path string) ([]byte, error) {
	f, err := openInput(field, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return nil, domain.Invalid(field, "%s cannot be read: %v", path, cause(err))
	}
	if len(data) > 1<<20 {
		return nil, domain.Invalid(field, "%s is larger than 1 MiB: it is not a checkpoint, a key or a proof", path)
	}
	return data, nil
}

// printWitnessed says which witnesses cosigned each checkpoint.
func printWitnessed(m *Main, cps []verify.Checkpoint) error {
	if m.JSON {
		type cp struct {
			Origin       string                   `json:"origin"`
			Size         int64                    `json:"size"`
			Root         string                   `json:"root"`
			Cosignatures []provenance.Cosignature `json:"cosignatures"`
		}
		out := struct {
			Verified    bool `json:"verified"`
			Checkpoints []cp `json:"checkpoints"`
		}{Verified: true}
		for _, c := range cps {
			out.Checkpoints = append(out.Checkpoints, cp{c.Origin, c.Size, c.Root.String(), c.Cosignatures})
		}
		return m.printJSON(out)
	}
	for _, c := range cps {
		fmt.Fprintf(m.Out, m.t("Điểm kiểm chứng %s mục ghi của sổ cái %s, mã băm gốc %s: chữ ký của sổ cái hợp lệ, được đồng ký bởi:\n",
			"The checkpoint of %s entries of the log %s, root %s: the log's signature verifies, cosigned by:\n"), i18n.Int(m.Lang, c.Size), c.Origin, c.Root)
		for _, w := range c.Cosignatures {
			fmt.Fprintf(m.Out, "  %s (%s)\n", w.Witness, m.instant(w.Time))
		}
	}
	return nil
}

// printProof says what a proof that verified shows.
func printProof(m *Main, r *verify.ProofResult) error {
	if p, cp := r.Inclusion, r.Checkpoint; p != nil {
		if m.JSON {
			return m.printJSON(map[string]any{"verified": true, "type": p.Type, "position": p.Position, "leaf_hash": p.LeafHash,
				"origin": cp.Origin, "tree_size": cp.Size, "root": cp.Root})
		}
		fmt.Fprintf(m.Out, m.t("Bằng chứng hợp lệ: mục ghi ở vị trí %d (mã băm lá %s) nằm trong sổ cái %s gồm %s mục ghi, mã băm gốc %s.\n",
			"The proof verifies: the entry at position %d (leaf hash %s) is in the log %s of %s entries, root %s.\n"),
			p.Position, p.LeafHash, cp.Origin, i18n.Int(m.Lang, cp.Size), cp.Root)
		return nil
	}
	oldCP, newCP := r.Old, r.Checkpoint
	if m.JSON {
		return m.printJSON(map[string]any{"verified": true, "type": r.Consistency.Type, "origin": newCP.Origin,
			"old_size": oldCP.Size, "old_root": oldCP.Root, "new_size": newCP.Size, "new_root": newCP.Root})
	}
	fmt.Fprintf(m.Out, m.t("Bằng chứng hợp lệ: sổ cái %s gồm %s mục ghi (mã băm gốc %s) là phần đầu của sổ cái gồm %s mục ghi (mã băm gốc %s).\n",
		"The proof verifies: the log %s of %s entries (root %s) is the beginning of the log of %s entries (root %s).\n"),
		newCP.Origin, i18n.Int(m.Lang, oldCP.Size), oldCP.Root, i18n.Int(m.Lang, newCP.Size), newCP.Root)
	return nil
}
