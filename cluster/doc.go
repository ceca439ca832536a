// Package cluster holds the tests of ocopledger on a NATS JetStream cluster:
// three real nats-server processes started from the very configuration
// files that docker-compose.yml mounts (deploy/nats/*.conf, with addresses
// and store directories rewritten for 127.0.0.1 and t.TempDir()), ledger
// instances that write to them concurrently while the stream leader is
// killed with SIGKILL and restarted, a node stopped and brought back, a
// ledger process killed in the middle of a bulk load, and the accounts'
// permissions.
//
// The package has no code of its own; everything is in its tests:
//
//	go test ./cluster/                 # the fault tests, about 2 minutes
//	OCOPLEDGER_CLUSTER_BENCH=1 go test -run TestClusterNumbers -v ./cluster/
//
// The second command measures appends and read-model builds on a three-node
// cluster beside `nats bench` (see "Running on a cluster" in README.md).
package cluster
