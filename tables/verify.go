package tables

import (
	"time"

	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/provenance/verify"
)

// VerifiedExport is the answer of verify for an export that matches its checkpoints.
func VerifiedExport(rep *verify.ExportResult, lang string) Reply {
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
		out.Irregular = append(out.Irregular, irregular{f.Line, i18n.Localize(f.Err, lang)})
	}
	for _, c := range rep.Checkpoints {
		out.Checkpoints = append(out.Checkpoints, cp{c.Origin, c.Size, c.Root.String()})
	}
	if out.Unreadable == nil {
		out.Unreadable = []provenance.UnreadableEntry{}
	}
	t := &text{lang: lang}
	t.f("Tệp xuất khớp với sổ cái %s: %s mục ghi đã kiểm tra trong %s.\n", "The export matches the log %s: %s entries checked in %s.\n",
		rep.Checkpoints[0].Origin, i18n.Int(lang, rep.Lines), i18n.Duration(lang, rep.Took))
	for _, c := range rep.Checkpoints {
		t.f("  điểm kiểm chứng %s mục ghi, mã băm gốc %s: khớp\n", "  checkpoint of %s entries, root %s: matches\n", i18n.Int(lang, c.Size), c.Root)
	}
	if rep.Lines > rep.Covered {
		t.f("  các dòng %s–%s sau điểm kiểm chứng lớn nhất: đúng dạng và đúng thứ tự, nhưng chưa có điểm kiểm chứng nào xác nhận\n",
			"  lines %s–%s after the largest checkpoint: well formed and in order, but no checkpoint vouches for them yet\n", i18n.Int(lang, rep.Covered+1), i18n.Int(lang, rep.Lines))
	}
	for _, u := range rep.Unreadable {
		t.f("  vị trí %d (%s): có trong sổ cái nhưng không phải là sự kiện (không đọc được), đã tính theo nội dung lưu trữ\n",
			"  position %d (%s): in the log but not an event (unreadable), hashed as stored\n", u.Position, u.Subject)
	}
	for _, f := range rep.Irregular {
		t.f("  có trong lịch sử đã ký nhưng không đúng như sổ cái ghi (sổ cái cách ly mục ghi này): %s\n",
			"  in the signed history but not as the ledger writes entries (the ledger quarantines it): %s\n", i18n.Localize(f.Err, lang))
	}
	if more := rep.IrregularCount - int64(len(rep.Irregular)); more > 0 {
		t.f("  … và %s mục ghi như vậy nữa\n", "  … and %s more such entries\n", i18n.Int(lang, more))
	}
	if !rep.FirstRecordedAt.IsZero() {
		t.f("  ghi nhận từ %s đến %s\n", "  recorded from %s to %s\n", InstantText(rep.FirstRecordedAt, lang), InstantText(rep.LastRecordedAt, lang))
	}
	return Reply{out, t.String()}
}

// Witnessed is the answer of verify for checkpoints checked alone: which witnesses cosigned each.
func Witnessed(cps []verify.Checkpoint, lang string) Reply {
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
	t := &text{lang: lang}
	for _, c := range cps {
		out.Checkpoints = append(out.Checkpoints, cp{c.Origin, c.Size, c.Root.String(), c.Cosignatures})
		t.f("Điểm kiểm chứng %s mục ghi của sổ cái %s, mã băm gốc %s: chữ ký của sổ cái hợp lệ, được đồng ký bởi:\n",
			"The checkpoint of %s entries of the log %s, root %s: the log's signature verifies, cosigned by:\n", i18n.Int(lang, c.Size), c.Origin, c.Root)
		for _, w := range c.Cosignatures {
			t.f("  %s (%s)\n", "  %s (%s)\n", w.Witness, InstantText(w.Time, lang))
		}
	}
	return Reply{out, t.String()}
}

// VerifiedProof is the answer of verify for a proof that verified: what it shows.
func VerifiedProof(r *verify.ProofResult, lang string) Reply {
	t := &text{lang: lang}
	if p, cp := r.Inclusion, r.Checkpoint; p != nil {
		t.f("Bằng chứng hợp lệ: mục ghi ở vị trí %d (mã băm lá %s) nằm trong sổ cái %s gồm %s mục ghi, mã băm gốc %s.\n",
			"The proof verifies: the entry at position %d (leaf hash %s) is in the log %s of %s entries, root %s.\n",
			p.Position, p.LeafHash, cp.Origin, i18n.Int(lang, cp.Size), cp.Root)
		return Reply{map[string]any{"verified": true, "type": p.Type, "position": p.Position, "leaf_hash": p.LeafHash,
			"origin": cp.Origin, "tree_size": cp.Size, "root": cp.Root}, t.String()}
	}
	oldCP, newCP := r.Old, r.Checkpoint
	t.f("Bằng chứng hợp lệ: sổ cái %s gồm %s mục ghi (mã băm gốc %s) là phần đầu của sổ cái gồm %s mục ghi (mã băm gốc %s).\n",
		"The proof verifies: the log %s of %s entries (root %s) is the beginning of the log of %s entries (root %s).\n",
		newCP.Origin, i18n.Int(lang, oldCP.Size), oldCP.Root, i18n.Int(lang, newCP.Size), newCP.Root)
	return Reply{map[string]any{"verified": true, "type": r.Consistency.Type, "origin": newCP.Origin,
		"old_size": oldCP.Size, "old_root": oldCP.Root, "new_size": newCP.Size, "new_root": newCP.Root}, t.String()}
}
