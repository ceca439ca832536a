package httpapi_test

import "github.com/ocopledger/ocopledger/ledger"

func ledgerMeta() ledger.Meta { return ledger.Meta{Actor: "test"} }
