#!/usr/bin/env bash
# Side-by-side: the event store's benchmarks vs `nats bench` against a plain
# nats-server v2.15.2 with JetStream file storage and sync_interval always.
# Needs the nats CLI: go install github.com/nats-io/natscli/nats@v0.5.0
# Usage (from the module root): bash eventstore/bench/compare.sh
set -euo pipefail
NATS=${NATS:-$(go env GOPATH)/bin/nats}
PORT=${PORT:-4333}
dir=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; rm -rf "$dir"' EXIT
cat > "$dir/server.conf" <<CONF
listen: 127.0.0.1:$PORT
server_name: natsbench
jetstream { store_dir: "$dir/data", sync_interval: always }
CONF
go build -o "$dir/nats-server" github.com/nats-io/nats-server/v2
"$dir/nats-server" -c "$dir/server.conf" >"$dir/server.log" 2>&1 &
srv=$!
for _ in $(seq 50); do grep -q "Server is ready" "$dir/server.log" && break; sleep 0.1; done

nb() { "$NATS" -s "nats://127.0.0.1:$PORT" bench js pub "$@" --create --size 300 --no-progress 2>&1 | grep "stats:" | sed 's/.*stats: //'; }
echo "== eventstore (embedded, in-process, sync always)"
go test -run '^$' -bench 'Append' -benchtime 2000x ./eventstore/ | grep ^Benchmark
go test -run '^$' -bench 'Read' -benchtime 200000x ./eventstore/ | grep ^Benchmark
echo "== nats bench (TCP 127.0.0.1, sync always, R1 file)"
echo "sync 1/publish:            $(nb sync ocop.b1 --stream b1 --msgs 20000)"
echo "sync 1/publish, dedup:     $(nb sync ocop.b2 --stream b2 --msgs 20000 --dedup)"
echo "atomic 100/batch:          $(nb atomic ocop.b3 --stream b3 --msgs 20000 --batch 100)"
echo "atomic 100/batch, dedup:   $(nb atomic ocop.b4 --stream b4 --msgs 20000 --batch 100 --dedup)"
