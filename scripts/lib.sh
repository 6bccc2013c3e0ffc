# Helpers shared by the scripts in this folder. Source it; don't run it.

# Where cargo builds. Scripts and CI share one target directory outside the
# clone so that a fresh clone on the same machine starts warm.
if [ -z "${VERITAS_CACHE:-}" ]; then
	if mkdir -p /var/cache/veritas 2>/dev/null && [ -w /var/cache/veritas ]; then
		VERITAS_CACHE=/var/cache/veritas
	else
		VERITAS_CACHE="$HOME/.cache/veritas"
	fi
fi
export VERITAS_CACHE
: "${CARGO_TARGET_DIR:=$VERITAS_CACHE/target}"
export CARGO_TARGET_DIR

# Scripts build from scratch or from the shared cache, never edit-compile in
# a loop: incremental data would only grow the cache (tens of GiB).
export CARGO_INCREMENTAL=0

VERITAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export VERITAS_ROOT

# rustup installs cargo here; a fresh login shell may not have it on PATH.
if [ -d "$HOME/.cargo/bin" ]; then
	case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) PATH="$HOME/.cargo/bin:$PATH" ;; esac
fi

# Prints a step's name, runs it, and stops the script with the step's name if
# it fails.
step() {
	local name="$1" began
	shift
	printf '==> %s\n' "$name"
	began=$(date +%s)
	if ! "$@"; then
		printf 'FAILED: %s (command: %s)\n' "$name" "$*" >&2
		exit 1
	fi
	# Where the time goes, step by step.
	printf '    (%s s)\n' "$(( $(date +%s) - began ))"
}

# The veritas-node binary: the debug build, or the one NODE_PROFILE names
# (release for benchmarks that measure the node an operator runs).
node_binary() {
	printf '%s/%s/veritas-node' "$CARGO_TARGET_DIR" "${NODE_PROFILE:-debug}"
}

# Keeps the shared target directory from filling the disk: every change to
# the node links new test binaries (about 300 MiB each) beside the old ones.
# Removes test and binary executables not rebuilt for three days, and any
# incremental data. Libraries stay, so builds stay warm. The node tests'
# runtime cache (compiled runtimes and genesis states, a few MiB for each
# runtime built) loses what it has held for as long.
prune_build_cache() {
	local profile
	for profile in debug release; do
		[ -d "$CARGO_TARGET_DIR/$profile" ] || continue
		rm -rf "$CARGO_TARGET_DIR/$profile/incremental"
		find "$CARGO_TARGET_DIR/$profile/deps" -maxdepth 1 -type f -executable \
			! -name '*.*' -mtime +3 -delete 2>/dev/null || true
	done
	if [ -d "$CARGO_TARGET_DIR/tmp/runtime-cache" ]; then
		find "$CARGO_TARGET_DIR/tmp/runtime-cache" -type f -mtime +3 -delete 2>/dev/null || true
	fi
}

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until the node at URL answers JSON-RPC. Fails, with the tail of LOG,
# if the node's process PID exits first or a minute passes.
wait_for_rpc() {
	local url=$1 pid=$2 log=$3
	for _ in $(seq 1 120); do
		curl -s -H 'Content-Type: application/json' \
			-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' "$url" >/dev/null 2>&1 &&
			return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "the node exited:" >&2
			tail -20 "$log" >&2
			return 1
		fi
		sleep 0.5
	done
	echo "the node did not answer at $url" >&2
	return 1
}

# Stops a process a script started (TERM), and waits for it.
stop_process() {
	local pid=$1
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
}

# The Python tools (the benchmarks' peers, the ONNX exporters) live in one
# virtualenv in the cache. Prints
# its path once it can import MODULES (comma-separated, as `import` takes
# them), installing PACKAGES (pip arguments) from PyPI first if it cannot.
#   venv=$(bench_venv 'torch, tokenizers' torch tokenizers)
bench_venv() {
	local modules=$1
	shift
	local venv="$VERITAS_CACHE/bench-venv"
	if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import $modules" 2>/dev/null; then
		echo "==> $* into $venv" >&2
		[ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
		"$venv/bin/pip" install --quiet --upgrade pip >&2
		CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install --quiet "$@" >&2
	fi
	printf '%s\n' "$venv"
}
