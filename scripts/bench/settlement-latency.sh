#!/usr/bin/env bash
# How many blocks a verified inference takes, from the block that includes
# the request to the block that settles it.
#
#   scripts/bench/settlement-latency.sh [REQUESTS]
#
# Starts `veritas-node --dev` (Alice's node executes; the genesis verifiers
# Charlie, Dave, Eve and Ferdie verify, their keys in the same node),
# publishes the loan-risk MLP under Quorum(2, 3) and MaxAbs(1000), and has
# Bob ask for REQUESTS (default 12) scores one after another, each waited for
# in the best chain. Prints one JSON line: each request's blocks from
# inclusion to settlement, and their median, mean and largest.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

REQUESTS="${1:-12}"
port=$(free_port)
URL="http://127.0.0.1:$port"

step "build veritas-node and veritas" cargo build -p veritas-node -p veritas-cli --quiet

workdir=$(mktemp -d)
node_pid=""
cleanup() {
	stop_process "$node_pid"
	rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

veritas() {
	"$CARGO_TARGET_DIR/debug/veritas" --url "$URL" "$@"
}

"$(node_binary)" --dev --base-path "$workdir/node" --rpc-port "$port" --no-mdns \
	--no-telemetry --listen-addr /ip4/127.0.0.1/tcp/0 2>"$workdir/node.log" &
node_pid=$!
wait_for_rpc "$URL" "$node_pid" "$workdir/node.log"

model=$(veritas --suri //Alice model publish node/engine/fixtures/loan-risk --name loan-risk \
	--store "$workdir/node/model-store" --task classification:6:2 --price 0.01 \
	--policy quorum:2:3 --rule maxabs:1000 2>/dev/null)
veritas --suri //Alice executor register --models "$model" --stake 1000 >/dev/null

rpc() {
	curl -s -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":$2}" "$URL"
}

blocks=()
for _ in $(seq 1 "$REQUESTS"); do
	request=$(veritas --suri //Bob infer --wait best --model "$model" --input "28,0.62,590,45,1,1" 2>&1 |
		sed -n 's/^request \([0-9]*\):.*/\1/p' | head -n 1)
	record=$(rpc inference_getRequest "[$request]")
	blocks+=("$(python3 -c 'import json, sys
r = json.loads(sys.argv[1])["result"]
assert r["status"] == "Accepted", r["status"]
print(r["finishedAt"] - r["created"])' "$record")")
done

python3 - "${blocks[@]}" <<'PYTHON'
import json, statistics, sys
blocks = [int(b) for b in sys.argv[1:]]
print(json.dumps({
    "model": "loan-risk MLP, Quorum(2, 3), MaxAbs(1000)",
    "requests": len(blocks),
    "blocks_from_inclusion_to_settlement": blocks,
    "median": statistics.median(blocks),
    "mean": round(statistics.mean(blocks), 2),
    "max": max(blocks),
}))
PYTHON
