#!/usr/bin/env bash
# Publishers' ONNX models: the Veritas engine (tract) against onnxruntime,
# one request at a time on one thread (as the engine runs them), the same
# files, the same input, the same machine. The two sides take turns
# (Veritas, onnxruntime, Veritas, …) for ROUNDS rounds of RUNS runs each, so
# that a machine that drifts slows both alike. Prints each round and the
# medians over rounds of each side and of the ratio (Veritas / onnxruntime;
# below 1.0 means Veritas is faster).
#
#   scripts/bench/onnx-vs-onnxruntime.sh [RUNS] [ROUNDS]     # default 1000 runs, 5 rounds
#
# The models are scripts/models/make_onnx.py's (a scikit-learn forest and a
# PyTorch CNN), made by scripts/fetch-models.sh.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

runs="${1:-1000}"
rounds="${2:-5}"
models=$(bash scripts/fetch-models.sh | tail -n 1)
venv=$(bench_venv 'onnxruntime, numpy' onnxruntime==1.32.0 numpy==2.4.6)

echo "==> building the engine's ONNX latency example (release)"
cargo build --quiet --release -p veritas-engine --example onnx_latency

echo "==> $rounds rounds of $runs runs, taking turns, one thread, on $(nproc) cores"
results=()
for round in $(seq 1 "$rounds"); do
	veritas=$("$CARGO_TARGET_DIR/release/examples/onnx_latency" "$models" "$runs")
	onnxruntime=$(OMP_NUM_THREADS=1 "$venv/bin/python" scripts/bench/onnx_onnxruntime.py "$models" "$runs")
	echo "    round $round: veritas     $veritas"
	echo "    round $round: onnxruntime $onnxruntime"
	results+=("$veritas" "$onnxruntime")
done
python3 scripts/bench/ratios.py onnxruntime "${results[@]}"
