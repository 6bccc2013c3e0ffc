#!/usr/bin/env bash
# A dApp client built on @polkadot/api (scripts/dapp/), installed into the
# cache: the node tests drive a dev node with it, as a JavaScript dApp would.
#
#   scripts/dapp-client.sh install     # npm install into the cache; prints the directory
#   scripts/dapp-client.sh run URL     # runs follow-request.mjs against a node's WebSocket
set -euo pipefail
source "$(dirname "$0")/lib.sh"

INSTALL_DIR="$VERITAS_CACHE/dapp-client"

install() {
	command -v npm >/dev/null || { echo "    npm is missing: apt-get install nodejs npm" >&2; return 1; }
	mkdir -p "$INSTALL_DIR"
	if ! cmp -s "$VERITAS_ROOT/scripts/dapp/package.json" "$INSTALL_DIR/package.json" \
		|| [ ! -d "$INSTALL_DIR/node_modules/@polkadot/api" ]; then
		cp "$VERITAS_ROOT/scripts/dapp/package.json" "$INSTALL_DIR/package.json"
		(cd "$INSTALL_DIR" && npm install --no-audit --no-fund --loglevel=error) >&2
	fi
	# The scripts run beside their node_modules: the dApp example and the
	# load benchmark's driver.
	cp "$VERITAS_ROOT/scripts/dapp/follow-request.mjs" "$VERITAS_ROOT/scripts/bench/load.mjs" \
		"$INSTALL_DIR/"
	echo "$INSTALL_DIR"
}

case "${1:-}" in
	install) install ;;
	run) node "$(install)/follow-request.mjs" "${2:?usage: dapp-client.sh run WS_URL}" ;;
	*) echo "usage: $0 install | run WS_URL" >&2; exit 2 ;;
esac
