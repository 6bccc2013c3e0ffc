#!/usr/bin/env bash
# Bytes a settled result takes on-chain, inline and by reference, for real
# outputs: all-MiniLM-L6-v2's embedding of a sentence and a 128-token
# SmolLM2-135M generation. The engine runs each request both ways; the table
# gives each output's length, the encoded `submit_answers` call carrying the
# answer (kept in its block) and the result the request records (kept in
# state until it is pruned). Byte counts do not depend on the machine, so
# this runs once, with no peer to compare against.
#
#   scripts/bench/result-bytes.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

VERITAS_MODELS=$(bash scripts/fetch-models.sh | tail -n 1)
export VERITAS_MODELS

echo "==> building the node's tests"
cargo test --quiet -p veritas-node --test node --no-run
echo "==> running both models both ways"
cargo test --quiet -p veritas-node --test node -- --ignored --exact --nocapture \
	result_bytes::a_result_by_reference_takes_the_same_bytes_on_chain_whatever_its_output
