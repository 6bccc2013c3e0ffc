#!/usr/bin/env bash
# MiniLM embedding latency: the Veritas engine against PyTorch on CPU, the
# same weights, the same input, the same machine, one run after the other,
# with the same number of threads. Prints both medians and the ratio
# (Veritas / PyTorch; below 1.0 means Veritas is faster).
#
#   scripts/bench/engine-vs-pytorch.sh [RUNS]
#
# Threads: THREADS (default: every core) for both sides.
# PyTorch (CPU) and its helpers go into a virtualenv in the cache, from PyPI.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

runs="${1:-30}"
threads="${THREADS:-$(nproc)}"
models=$(bash scripts/fetch-models.sh | tail -n 1)
minilm="$models/all-minilm-l6-v2"

venv="$VERITAS_CACHE/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import torch, safetensors, tokenizers' 2>/dev/null; then
	echo "==> PyTorch (CPU) into $venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install --quiet --upgrade pip
	"$venv/bin/pip" install --quiet torch safetensors tokenizers numpy
fi

echo "==> building the engine's latency example (release)"
cargo build --quiet --release -p veritas-engine --example embedding_latency

echo "==> $runs runs at batch 1 and 32, $threads threads, on $(nproc) cores"
veritas=$(RAYON_NUM_THREADS="$threads" "$CARGO_TARGET_DIR/release/examples/embedding_latency" "$minilm" "$runs")
pytorch=$(OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" "$venv/bin/python" scripts/bench/minilm_pytorch.py "$minilm" "$runs")
echo "    $veritas"
echo "    $pytorch"
python3 - "$veritas" "$pytorch" <<'PY'
import json, sys
veritas, pytorch = (json.loads(line) for line in sys.argv[1:3])
for batch in ("batch_1_ms", "batch_32_ms"):
    ratio = veritas[batch] / pytorch[batch]
    print(f"{batch[:-3]:>9}: veritas {veritas[batch]:8.2f} ms, pytorch {pytorch[batch]:8.2f} ms, ratio {ratio:.2f}x")
PY
