// Package report writes the Department's report on the OCOP programme from the ledger, in the
// wording of Công văn 470/SCT-QLTM of 07/08/2025, and reconciles a report that was filed against
// the ledger: what it stated, what the ledger held when it was filed, and what the ledger holds
// now, with the entries that explain every difference.
//
// Collect gathers the Facts for a query from the read models; Render writes them as text,
// Markdown or JSON in Vietnamese or English. Reconcile checks a filed report (a report.filed
// event and the time it was recorded); RenderReconciliation writes the result.
package report
