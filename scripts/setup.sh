#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine to build and test Veritas. Safe to run
# again: every step checks first and does nothing when already done.
#
#   scripts/setup.sh
#
# It installs the C/C++ toolchain pieces the node's dependencies build with
# (clang, lld, protobuf), the Rust target and sources for the WASM runtime,
# and cargo-nextest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(clang libclang-dev lld protobuf-compiler pkg-config libssl-dev make git curl)

missing_apt_packages() {
	local missing=()
	for package in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
			|| missing+=("$package")
	done
	printf '%s\n' "${missing[@]}"
}

install_apt_packages() {
	local missing
	missing=$(missing_apt_packages)
	if [ -z "$missing" ]; then
		echo "    all present: ${APT_PACKAGES[*]}"
		return 0
	fi
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "    installing: $missing"
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

check_rustup() {
	command -v rustup >/dev/null || {
		echo "    rustup is not installed: see https://rustup.rs" >&2
		return 1
	}
	command -v cargo >/dev/null
}

add_wasm_target() {
	if rustup target list --installed | grep -qx wasm32v1-none; then
		echo "    wasm32v1-none already installed"
	else
		rustup target add wasm32v1-none
	fi
}

add_rust_src() {
	if rustup component list --installed | grep -q '^rust-src'; then
		echo "    rust-src already installed"
	else
		rustup component add rust-src
	fi
}

# The node tests run under cargo-nextest (one process per test, several at
# once). Toolchains here usually carry it; otherwise it is built from
# crates.io once.
add_nextest() {
	if cargo nextest --version >/dev/null 2>&1; then
		echo "    $(cargo nextest --version | head -n 1)"
	else
		cargo install --locked cargo-nextest
	fi
}

step "apt packages (${APT_PACKAGES[*]})" install_apt_packages
step "rustup and cargo on PATH" check_rustup
step "Rust target wasm32v1-none (the runtime's WASM)" add_wasm_target
step "Rust component rust-src (builds core for wasm32v1-none)" add_rust_src
step "cargo-nextest (runs the node tests)" add_nextest
mkdir -p "$CARGO_TARGET_DIR"
echo "Setup done. Builds go to $CARGO_TARGET_DIR"
