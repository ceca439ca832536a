#!/usr/bin/env bash
# Appends side by side with `nats bench`, ROUNDS times interleaved (the machine is shared: take
# medians), all with JetStream file storage and sync_interval always:
#   - 64 HTTP clients appending to different records (eventstore/bench/httpappends) against
#     `ocopledger serve` on the embedded default, and against `serve --nats` on a plain
#     nats-server v2.15.2 (the server `nats bench` runs against);
#   - the event store's own: 64 concurrent single appends, 100-event atomic appends, import;
#   - nats bench js pub async / atomic --batch 100 --dedup / atomic --batch 500 --dedup.
# Needs the nats CLI: go install github.com/nats-io/natscli/nats@v0.5.0
# Usage (from the module root): bash eventstore/bench/appends.sh   (APPENDS=5000 ROUNDS=3)
# BEFORE=<commit> also measures that commit's serve and event store in the same rounds.
set -euo pipefail
NATS=${NATS:-$(go env GOPATH)/bin/nats}
PORT=${PORT:-4334}
APPENDS=${APPENDS:-5000}
ROUNDS=${ROUNDS:-3}
dir=$(mktemp -d)
srv="" ; serve=""
trap 'for p in $serve $srv; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$dir"' EXIT
cat > "$dir/server.conf" <<CONF
listen: 127.0.0.1:$PORT
server_name: natsbench
jetstream { store_dir: "$dir/data", sync_interval: always }
CONF
go build -o "$dir/nats-server" github.com/nats-io/nats-server/v2
go build -o "$dir/ocopledger" ./cmd/ocopledger
go build -o "$dir/httpappends" ./eventstore/bench/httpappends
go test -c -o "$dir/eventstore.test" ./eventstore/
if [ -n "${BEFORE:-}" ]; then
	mkdir -p "$dir/before"
	git archive "$BEFORE" | tar -x -C "$dir/before"
	(cd "$dir/before" && go build -o "$dir/ocopledger.before" ./cmd/ocopledger &&
		go test -c -o "$dir/eventstore.before.test" ./eventstore/)
fi
"$dir/nats-server" -c "$dir/server.conf" >"$dir/server.log" 2>&1 &
srv=$!
for _ in $(seq 50); do grep -q "Server is ready" "$dir/server.log" && break; sleep 0.1; done

rate() { sed -n 's/.* \([0-9,]*\) msgs\/sec.*/\1/p' | tr -d ,; }
nb() { "$NATS" -s "nats://127.0.0.1:$PORT" bench js pub "$@" --create --size 300 --no-progress 2>&1 | grep "stats:" | rate; }
gob() { "$dir/eventstore${3:-}.test" -test.run '^$' -test.bench "^Benchmark$1\$" -test.benchtime "$2x" | sed -n 's/.* \([0-9.]*\) events\/s.*/\1/p'; }
http() { # $1: extra serve flags, $2: ".before" for the BEFORE build
	rm -rf "$dir/ledger"
	# shellcheck disable=SC2086
	"$dir/ocopledger${2:-}" serve --data "$dir/ledger" --addr 127.0.0.1:0 $1 2>"$dir/serve.log" >/dev/null &
	serve=$!
	for _ in $(seq 300); do grep -q 'url=http' "$dir/serve.log" && break; sleep 0.1; done
	url=$(grep -o 'url=http://[0-9.:]*' "$dir/serve.log" | head -1 | cut -d= -f2)
	"$dir/httpappends" --url "$url" --clients 64 --appends "$APPENDS" | sed -n 's/.*: \([0-9]*\) appends\/s.*/\1/p'
	kill "$serve"; wait "$serve" 2>/dev/null || true; serve=""
}
declare -A r
row() { r[$1]="${r[$1]:-} $2"; printf '%-58s %s\n' "$1" "$2"; }
for i in $(seq "$ROUNDS"); do
	echo "== round $i"
	row "HTTP 64 clients, serve embedded" "$(http '')"
	if [ -n "${BEFORE:-}" ]; then
		row "before: HTTP 64 clients, serve embedded" "$(http '' .before)"
		row "before: HTTP 64 clients, serve --nats (plain server)" "$(http "--nats nats://127.0.0.1:$PORT" .before)"
		row "before: eventstore Append, 100-event atomic (embedded)" "$(gob AppendBatch 200 .before)"
	fi
	row "HTTP 64 clients, serve --nats (plain server)" "$(http "--nats nats://127.0.0.1:$PORT")"
	row "nats bench js pub async" "$(nb async "ocop.a$i" --stream "a$i" --msgs "$((APPENDS * 4))")"
	row "eventstore Append, 64 writers, 1 event each (embedded)" "$(gob AppendConcurrent "$APPENDS")"
	row "eventstore Append, 100-event atomic (embedded)" "$(gob AppendBatch 200)"
	row "nats bench js pub atomic --batch 100 --dedup" "$(nb atomic "ocop.b$i" --stream "b$i" --msgs 20000 --batch 100 --dedup)"
	row "eventstore Import, batches of 500 (embedded)" "$(gob Import 20000)"
	row "nats bench js pub atomic --batch 500 --dedup" "$(nb atomic "ocop.c$i" --stream "c$i" --msgs 20000 --batch 500 --dedup)"
done
echo "== medians of $ROUNDS (events/s)"
for k in "${!r[@]}"; do
	printf '%-58s %s\n' "$k" "$(echo "${r[$k]}" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done | sort
