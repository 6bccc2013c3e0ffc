#!/usr/bin/env bash
# The verifier's generation check on real SmolLM2-135M-Instruct weights:
# honest answers at temperature 0 and 1.0 (a different seed each), generated
# step by step by an "executor" on THREADS threads and checked in one
# teacher-forced pass by a "verifier" on one thread. Prints, per temperature,
# the false flags (must be 0), the largest logit and probability differences
# between the two sides (what `sampling::Tolerance` must cover), and how many
# steered, truncated and empty answers were flagged (must be all).
#
#   scripts/bench/generation-checks.sh [COUNT] [TOKENS]
#
# COUNT prompts (default 200) at each temperature, TOKENS new tokens each
# (default 24).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

count="${1:-200}"
tokens="${2:-24}"
threads="${THREADS:-$(nproc)}"
models=$(bash scripts/fetch-models.sh | tail -n 1)
gguf="$models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"

echo "==> building the generation-check example (release)"
cargo build --quiet --release -p veritas-engine --example generation_checks

echo "==> $count prompts x 2 temperatures, $tokens tokens, executor on $threads threads, verifier on 1"
RAYON_NUM_THREADS="$threads" "$CARGO_TARGET_DIR/release/examples/generation_checks" "$gguf" "$count" "$tokens"
