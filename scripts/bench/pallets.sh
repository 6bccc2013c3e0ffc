#!/usr/bin/env bash
# Generates the weights.rs of every Veritas pallet from its benchmarks, on
# this machine.
#
#   scripts/bench/pallets.sh                 # every pallet
#   scripts/bench/pallets.sh pallet_models   # just one
#
# It builds veritas-node in release mode with `--features runtime-benchmarks`
# (a separate build from the test build: the first one takes a while), then
# runs `veritas-node benchmark pallet` for each pallet: 50 steps over each
# component's range, 20 repeats, WASM execution as on-chain. The output uses
# scripts/bench/weight-template.hbs.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"

# pallet name in the runtime's benchmark list -> its crate folder
declare -A PALLETS=(
	[pallet_models]=pallets/models
	[pallet_inference]=pallets/inference
	[pallet_verification]=pallets/verification
	[pallet_oracle]=pallets/oracle
	[pallet_subscriptions]=pallets/subscriptions
)

selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${!PALLETS[@]}")

step "build veritas-node --release --features runtime-benchmarks" \
	cargo build --release -p veritas-node --features runtime-benchmarks --quiet
node="$CARGO_TARGET_DIR/release/veritas-node"
runtime="$CARGO_TARGET_DIR/release/wbuild/veritas-runtime/veritas_runtime.compact.compressed.wasm"

for pallet in "${selected[@]}"; do
	dir="${PALLETS[$pallet]:-}"
	[ -n "$dir" ] || { echo "unknown pallet: $pallet (known: ${!PALLETS[*]})" >&2; exit 1; }
	step "benchmark $pallet -> $dir/src/weights.rs" \
		"$node" benchmark pallet \
		--runtime "$runtime" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--pallet "$pallet" \
		--extrinsic '*' \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--wasm-execution compiled \
		--template scripts/bench/weight-template.hbs \
		--output "$dir/src/weights.rs"
done
