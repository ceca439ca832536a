// Package demo builds a deterministic demo history of the OCOP programme in the merged Quảng Ngãi
// province and loads it into a ledger, so that the figures of Công văn 470/SCT-QLTM (07/08/2025)
// can be rebuilt from the ledger: every figure of [domain.Figures], asked for 07/08/2025 as known
// at the end of that day, equals the value the report states.
//
// The history is a backfill: every entry carries the time the Department would have recorded it
// ([ledger.Meta].RecordedAt), from 2012 to 30/10/2025, in non-decreasing order. A few entries are
// recorded after the report (a certificate decided on 20/07/2025 but entered on 15/08/2025, a
// revocation dated before the report but entered later, a sales point opened before it but entered
// later, a retraction of a listing entered twice), so that the figures of 07/08/2025 as known now
// differ from those the report could state; [LateEntries] lists them.
//
// What is real and what is not:
//   - The real products, producers and places are those of the project's domain brief (§4): their
//     names are real. Where the brief gives a decision (QĐ 1425/QĐ-UBND of 25/12/2023, QĐ
//     2361/QĐ-BNNMT of 26/06/2025) it is used as given; every other decision or certificate number
//     starts with "GL-" (giả lập, synthetic) and its date is made up, and the entry's source says so.
//     A producer the brief does not name is written "… (tên chủ thể giả lập)".
//   - Everything else is synthetic: its Synthetic flag is set and its name says so, e.g.
//     "Sản phẩm mẫu QN-0123 (dữ liệu giả lập)". Trade events, sales points and listings are all
//     synthetic, including those a real business takes part in (none does: participants and listing
//     businesses are synthetic too).
//   - The 01/07/2025 reorganisation is recorded twice: the mapping of the former Lý Sơn district to
//     đặc khu Lý Sơn (NQ 1677/NQ-UBTVQH15), and an illustrative mapping of a handful of other
//     communes, whose legal-basis text says it is illustrative.
//
// History is pure and cheap (no I/O, a fixed seed, no clock). Load is idempotent: it skips what the
// ledger already holds, by entry ID, and can resume after an interruption.
package demo
