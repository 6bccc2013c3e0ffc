#!/usr/bin/env bash
# A real IPFS daemon on 127.0.0.1 that speaks the Kubo RPC API, for tests and
# development: js-ipfs 0.66 from npm, with two answers patched to Kubo's types.
#
#   scripts/ipfs.sh install        # once: npm install into the cache (~3 min cold)
#   scripts/ipfs.sh start DIR      # a daemon with its repo in DIR; prints the API URL
#   scripts/ipfs.sh stop DIR       # stops it (SIGTERM)
#
# Users with a real Kubo daemon don't need this: point the node at it with
# --ipfs-api http://127.0.0.1:5001.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

INSTALL_DIR="$VERITAS_CACHE/ipfs-daemon"
JSIPFS="$INSTALL_DIR/node_modules/.bin/jsipfs"
export NODE_OPTIONS="--require $VERITAS_ROOT/scripts/ipfs/polyfill.cjs"

install() {
	command -v npm >/dev/null || { echo "    npm is missing: apt-get install nodejs npm" >&2; return 1; }
	mkdir -p "$INSTALL_DIR"
	if ! cmp -s "$VERITAS_ROOT/scripts/ipfs/package.json" "$INSTALL_DIR/package.json" \
		|| [ ! -x "$JSIPFS" ]; then
		cp "$VERITAS_ROOT/scripts/ipfs/package.json" "$INSTALL_DIR/package.json"
		(cd "$INSTALL_DIR" && npm install --no-audit --no-fund --loglevel=error)
	else
		echo "    js-ipfs already installed in $INSTALL_DIR"
	fi
	# Kubo sends `Size` of an added file as a string and repo/stat's counters as
	# numbers; js-ipfs does the opposite, which Kubo clients refuse.
	local server="$INSTALL_DIR/node_modules/ipfs-http-server/src/api/resources"
	sed -i 's/^\(\s*\)Size: file\.size,$/\1Size: String(file.size),/' "$server/files-regular.js"
	sed -i -e 's/NumObjects: stat\.numObjects\.toString(),/NumObjects: Number(stat.numObjects),/' \
		-e 's/RepoSize: stat\.repoSize\.toString(),/RepoSize: Number(stat.repoSize),/' \
		-e 's/StorageMax: stat\.storageMax\.toString()/StorageMax: Number(stat.storageMax)/' \
		"$server/repo.js"
	grep -q 'Size: String(file.size)' "$server/files-regular.js"
}

start() {
	local repo="$1"
	[ -x "$JSIPFS" ] || install
	mkdir -p "$repo"
	export IPFS_PATH="$repo"
	# A daemon killed with SIGKILL leaves these behind and refuses to start.
	rm -rf "$repo/repo.lock" "$repo/api"
	if [ ! -f "$repo/config" ]; then
		"$JSIPFS" init --profile test >/dev/null
	fi
	local api gateway swarm
	api=$(free_port)
	gateway=$(free_port)
	swarm=$(free_port)
	"$JSIPFS" config Addresses.API "/ip4/127.0.0.1/tcp/$api"
	"$JSIPFS" config Addresses.Gateway "/ip4/127.0.0.1/tcp/$gateway"
	"$JSIPFS" config --json Addresses.Swarm "[\"/ip4/127.0.0.1/tcp/$swarm\"]"
	"$JSIPFS" daemon --enable-preload=false >"$repo/daemon.log" 2>&1 &
	echo $! >"$repo/daemon.pid"
	for _ in $(seq 1 120); do
		if curl -sf -X POST "http://127.0.0.1:$api/api/v0/version" >/dev/null 2>&1; then
			echo "http://127.0.0.1:$api"
			return 0
		fi
		kill -0 "$(cat "$repo/daemon.pid")" 2>/dev/null || break
		sleep 0.5
	done
	echo "the IPFS daemon did not start; its log:" >&2
	tail -20 "$repo/daemon.log" >&2
	return 1
}

stop() {
	local repo="$1"
	[ -f "$repo/daemon.pid" ] || return 0
	local pid
	pid=$(cat "$repo/daemon.pid")
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$repo/daemon.pid" "$repo/repo.lock"
}

case "${1:-}" in
	install) step "js-ipfs daemon into $INSTALL_DIR" install ;;
	start) start "${2:?usage: scripts/ipfs.sh start DIR}" ;;
	stop) stop "${2:?usage: scripts/ipfs.sh stop DIR}" ;;
	*) sed -n '2,10p' "$0"; exit 2 ;;
esac
