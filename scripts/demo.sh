#!/usr/bin/env bash
# The run command: builds the node if needed, starts a one-node development
# chain on loopback, and prints blocks as they are produced and finalized.
#
#   scripts/demo.sh              # runs until Ctrl-C
#   DEMO_SECONDS=30 scripts/demo.sh
#
# The node's JSON-RPC is at ws://127.0.0.1:9944 while it runs: point
# polkadot.js Apps or @polkadot/api at it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$VERITAS_ROOT"

RPC_PORT="${RPC_PORT:-9944}"
DEMO_SECONDS="${DEMO_SECONDS:-0}"

step "set-up" bash scripts/setup.sh
step "build veritas-node (first build takes a while)" cargo build -p veritas-node --quiet

workdir=$(mktemp -d)
log="$workdir/node.log"
node_pid=""
cleanup() {
	if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
		echo "==> stopping the node"
		kill -TERM "$node_pid" 2>/dev/null || true
		wait "$node_pid" 2>/dev/null || true
	fi
	rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

echo "==> starting veritas-node --dev (log: $log)"
"$(node_binary)" --dev --tmp --rpc-port "$RPC_PORT" --no-mdns --no-telemetry \
	--listen-addr /ip4/127.0.0.1/tcp/0 2>"$log" &
node_pid=$!

rpc() {
	curl -s -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":${2:-[]}}" \
		"http://127.0.0.1:$RPC_PORT"
}
json_field() {
	python3 -c "import json,sys; r=json.load(sys.stdin)['result']; print($1)"
}

echo "==> waiting for JSON-RPC on 127.0.0.1:$RPC_PORT"
for _ in $(seq 1 120); do
	rpc system_health >/dev/null 2>&1 && break
	kill -0 "$node_pid" 2>/dev/null || { echo "the node exited:"; tail -20 "$log"; exit 1; }
	sleep 0.5
done
echo "    chain: $(rpc system_chain | json_field 'r')," \
	"runtime: $(rpc state_getRuntimeVersion | json_field 'r["specName"] + " v" + str(r["specVersion"])')"
echo "==> blocks (Ctrl-C to stop)"

started=$(date +%s)
last_best=-1
last_final=-1
while kill -0 "$node_pid" 2>/dev/null; do
	best_header=$(rpc chain_getHeader)
	best=$(echo "$best_header" | json_field 'int(r["number"], 16)')
	final_hash=$(rpc chain_getFinalizedHead | json_field 'r')
	final=$(rpc chain_getHeader "[\"$final_hash\"]" | json_field 'int(r["number"], 16)')
	if [ "$best" != "$last_best" ]; then
		best_hash=$(rpc chain_getBlockHash "[$best]" | json_field 'r')
		printf '    produced  #%-5s %s\n' "$best" "$best_hash"
		last_best=$best
	fi
	if [ "$final" != "$last_final" ]; then
		printf '    finalized #%-5s %s\n' "$final" "$final_hash"
		last_final=$final
	fi
	if [ "$DEMO_SECONDS" -gt 0 ] && [ $(( $(date +%s) - started )) -ge "$DEMO_SECONDS" ]; then
		break
	fi
	sleep 1
done
