// Package projections keeps ocopledger's read models in a bbolt file: it follows the log (a
// [Source]), folds each entry into bitemporal rows (valid from/until a civil date, known from a
// log position and its recording time), and answers the figures, their breakdowns, explanations,
// diffs and timelines for any day as known at any time, together with the log's Merkle tree that
// checkpoints sign. Read models are disposable: a new projector version rebuilds them from the log.
package projections
