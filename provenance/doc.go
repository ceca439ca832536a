// Package provenance makes the ledger's history provable: the log is a Merkle tree whose leaf i is
// the stored body of the entry at stream position i (exactly the line i of an export), hashed as
// RFC 6962 / RFC 9162 prescribe with golang.org/x/mod/sumdb/tlog (SHA-256; leaf = H(0x00 ‖ body),
// node = H(0x01 ‖ left ‖ right)); position p is tlog index p−1.
//
// It holds:
//   - the tree's storage in a bbolt bucket (tlog's stored hashes), appended in the caller's write
//     transaction so that the read models and the tree commit together: Append, Appender, Size,
//     Root, RecordProof, TreeProof, Hashes;
//   - checkpoints in the C2SP tlog-checkpoint format, signed as notes with Ed25519
//     (golang.org/x/mod/sumdb/note): Checkpoint, Sign, Open, and the log's key, LoadOrCreateKey;
//   - proofs in a documented JSON form and their checks: ProveInclusion, ProveConsistency,
//     VerifyInclusion, VerifyConsistency, ParseProof;
//   - the offline check of an export against signed checkpoints: VerifyExport.
//
// docs/auditors.md describes every format precisely enough to write a verifier in another language.
package provenance
