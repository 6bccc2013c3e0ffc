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

VERITAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export VERITAS_ROOT

# rustup installs cargo here; a fresh login shell may not have it on PATH.
if [ -d "$HOME/.cargo/bin" ]; then
	case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) PATH="$HOME/.cargo/bin:$PATH" ;; esac
fi

# Prints a step's name, runs it, and stops the script with the step's name if
# it fails.
step() {
	local name="$1"
	shift
	printf '==> %s\n' "$name"
	if ! "$@"; then
		printf 'FAILED: %s (command: %s)\n' "$name" "$*" >&2
		exit 1
	fi
}

# The veritas-node binary of the debug build.
node_binary() {
	printf '%s/debug/veritas-node' "$CARGO_TARGET_DIR"
}
