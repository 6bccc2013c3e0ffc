#!/usr/bin/env bash
# Throughput and latency under load: how many inference requests a chain
# settles per second, how many blocks each takes, and where they go.
#
#   scripts/bench/load.sh MODEL [LOAD] [--accounts A] [--executors E] [--engine-batch N] [--release] [--url WS_URL]
#
#   MODEL  mlp       the loan-risk MLP, Quorum(2, 3), MaxAbs(1000)
#          minilm    all-MiniLM-L6-v2 embeddings, Quorum(2, 3), Cosine(1000)
#          smollm2   SmolLM2-135M-Instruct, 32 new tokens, Quorum(2, 3), TopK(5)
#   LOAD   --rate R --seconds S   R requests a second for S seconds (default 20/s for 30 s)
#          --burst B --bursts K   B requests at once, K times, each burst waited for
#
# Without --url it starts `veritas-node --dev` on free ports (Alice's node
# executes; the genesis verifiers Charlie, Dave, Eve and Ferdie verify, their
# keys in the same node), publishes the model and registers Alice as its
# executor with capacity 64. With --executors E the driver also registers
# E - 1 more executors (//Bob//executor//N) whose keys it puts in the
# node's keystore. With --url it uses a running chain where the model
# is published and served: MODEL is then the model's id.
#
# --engine-batch N is the node's flag of that name: the most queued jobs of
# one model its engine runs together (1: each alone), for comparing.
#
# --release runs the node's release build, as an operator runs it (the
# first build takes a while); without it, the debug build the tests use,
# whose unoptimised node-side code (hashing, signing, block building)
# settles 1.3 to 2 times less (docs/performance.md).
#
# The requests come from A accounts (default 6) derived from //Bob
# (scripts/bench/load.mjs, over @polkadot/api). Prints one JSON line: see
# load.mjs for its fields, and docs/performance.md for the figures. With
# KEEP_LOG=FILE the node's log is kept there.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

MODEL="${1:?usage: load.sh mlp|minilm|smollm2|MODEL_ID [--rate R --seconds S | --burst B --bursts K] [--accounts A] [--executors E] [--engine-batch N] [--release] [--url WS_URL]}"
shift
load=()
engine_batch=()
url=""
executors=1
while [ $# -gt 0 ]; do
	case "$1" in
		--url) url=$2; shift 2 ;;
		--executors) executors=$2; shift 2 ;;
		--engine-batch) engine_batch=(--engine-batch "$2"); shift 2 ;;
		--release) NODE_PROFILE=release; shift ;;
		--rate | --seconds | --burst | --bursts | --accounts) load+=("$1" "$2"); shift 2 ;;
		*) echo "load.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ ${#load[@]} -gt 0 ] || load=(--rate 20 --seconds 30)
case " ${load[*]} " in *" --rate "* | *" --burst "*) ;; *) load+=(--rate 20) ;; esac

client=$(bash scripts/dapp-client.sh install | tail -n 1)

# Small models go faster as many one-thread jobs side by side; a language
# model with every thread in one job.
engine=(--inference-threads 1 --engine-workers "$(nproc)")
case "$MODEL" in
	mlp) input=(--features "28,0.62,590,45,1,1") ;;
	minilm) input=(--text "A man is eating food.") ;;
	smollm2)
		input=(--text "Write a long story about the sea." --max-new-tokens 32)
		engine=()
		;;
	*) input=() ;;
esac

if [ -n "$url" ]; then
	[ ${#input[@]} -eq 0 ] || { echo "load.sh: with --url, MODEL is a model id" >&2; exit 2; }
	echo "load.sh: with --url, give the input too: run load.mjs directly" >&2
	exec node "$client/load.mjs" --url "$url" --model "$MODEL" "${load[@]}"
fi
[ ${#input[@]} -gt 0 ] || { echo "load.sh: MODEL is mlp, minilm or smollm2" >&2; exit 2; }

step "build veritas" cargo build -p veritas-cli --quiet
if [ "${NODE_PROFILE:-debug}" = release ]; then
	step "build veritas-node (release)" cargo build --release -p veritas-node --quiet
else
	step "build veritas-node" cargo build -p veritas-node --quiet
fi

port=$(free_port)
HTTP="http://127.0.0.1:$port"
workdir=$(mktemp -d)
node_pid=""
cleanup() {
	stop_process "$node_pid"
	if [ -n "${KEEP_LOG:-}" ]; then
		cp "$workdir/node.log" "$KEEP_LOG"
	fi
	rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

veritas() {
	"$CARGO_TARGET_DIR/debug/veritas" --url "$HTTP" "$@"
}

"$(node_binary)" --dev --base-path "$workdir/node" --rpc-port "$port" --no-mdns \
	--no-telemetry --listen-addr /ip4/127.0.0.1/tcp/0 "${engine[@]}" "${engine_batch[@]}" \
	2>"$workdir/node.log" &
node_pid=$!
wait_for_rpc "$HTTP" "$node_pid" "$workdir/node.log"

publish() {
	veritas --suri //Alice model publish "$@" --store "$workdir/node/model-store" 2>/dev/null
}
case "$MODEL" in
	mlp)
		model=$(publish node/engine/fixtures/loan-risk --name loan-risk --task classification:6:2 \
			--price 0.01 --policy quorum:2:3 --rule maxabs:1000) ;;
	minilm)
		models=$(bash scripts/fetch-models.sh | tail -n 1)
		model=$(publish "$models/all-minilm-l6-v2" --name all-MiniLM-L6-v2 --task embedding:384 \
			--price 0.1 --policy quorum:2:3 --rule cosine:1000) ;;
	smollm2)
		models=$(bash scripts/fetch-models.sh | tail -n 1)
		model=$(publish "$models/smollm2-135m-instruct" --name SmolLM2-135M-Instruct \
			--task generation:2048:32 --price 0.1 --price-per-token 0.001 --policy quorum:2:3 \
			--rule topk:5) ;;
esac
veritas --suri //Alice executor register --models "$model" --stake 1000 --capacity 64 >/dev/null

node "$client/load.mjs" --url "ws://127.0.0.1:$port" --model "$model" --label "$MODEL, ${NODE_PROFILE:-debug} node" \
	--executors "$executors" "${input[@]}" "${load[@]}"
