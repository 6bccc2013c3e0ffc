#!/usr/bin/env bash
# MiniLM embedding latency: the Veritas engine against PyTorch on CPU, the
# same weights, the same input, the same machine, with the same number of
# threads. The two sides take turns (Veritas, PyTorch, Veritas, PyTorch, …)
# for ROUNDS rounds of RUNS runs each, so that a machine that drifts (a
# shared host, a CPU that heats up) slows both alike. Prints each round and
# the medians over rounds of each side and of the ratio (Veritas / PyTorch;
# below 1.0 means Veritas is faster).
#
#   scripts/bench/engine-vs-pytorch.sh [RUNS] [ROUNDS]     # default 30 runs, 5 rounds
#
# Threads: THREADS (default: every core) for both sides.
# PyTorch (CPU) and its helpers go into a virtualenv in the cache, from PyPI.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

runs="${1:-30}"
rounds="${2:-5}"
threads="${THREADS:-$(nproc)}"
models=$(bash scripts/fetch-models.sh | tail -n 1)
minilm="$models/all-minilm-l6-v2"

venv=$(bench_venv 'torch, safetensors, tokenizers' torch safetensors tokenizers numpy)

echo "==> building the engine's latency example (release)"
cargo build --quiet --release -p veritas-engine --example embedding_latency

echo "==> $rounds rounds of $runs runs at batch 1 and 32, taking turns, $threads threads, on $(nproc) cores"
results=()
for round in $(seq 1 "$rounds"); do
	veritas=$(RAYON_NUM_THREADS="$threads" "$CARGO_TARGET_DIR/release/examples/embedding_latency" "$minilm" "$runs")
	pytorch=$(OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" "$venv/bin/python" scripts/bench/minilm_pytorch.py "$minilm" "$runs")
	echo "    round $round: veritas $veritas"
	echo "    round $round: pytorch $pytorch"
	results+=("$veritas" "$pytorch")
done
python3 scripts/bench/ratios.py PyTorch "${results[@]}"
