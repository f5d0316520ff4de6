#!/usr/bin/env bash
# Installs and starts the local storage emulators that the upload tests use.
#
#   .ci/emulators.sh start   # install (if needed) and start; prints the env to export
#   .ci/emulators.sh stop    # stop what "start" started
#   .ci/emulators.sh env     # print the env lines only
#
# S3 (gofakes3) and GCS (fake-gcs-server) run inside the Go tests and need
# nothing here. Azure Blob Storage runs in Azurite (npm package "azurite"),
# bound to 127.0.0.1 only. The tests find it through DATAGEN_AZURITE_BLOB
# (default http://127.0.0.1:10000/devstoreaccount1) and skip when it is not
# reachable, unless DATAGEN_REQUIRE_EMULATORS=1.
#
# Settings (environment):
#   DATAGEN_EMULATOR_DIR   install + data + pid dir (default: ${TMPDIR:-/tmp}/datagen-emulators)
#   AZURITE_BLOB_PORT      blob port (default 10000)
#   AZURITE_VERSION        npm version (default: newest that supports the local node)
set -euo pipefail

dir="${DATAGEN_EMULATOR_DIR:-${TMPDIR:-/tmp}/datagen-emulators}"
port="${AZURITE_BLOB_PORT:-10000}"
pidfile="$dir/azurite.pid"
logfile="$dir/azurite.log"

print_env() {
	echo "export DATAGEN_AZURITE_BLOB=http://127.0.0.1:${port}/devstoreaccount1"
}

port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-
}

pick_version() {
	if [[ -n "${AZURITE_VERSION:-}" ]]; then
		echo "$AZURITE_VERSION"
		return
	fi
	local major
	major="$(node -p 'process.versions.node.split(".")[0]')"
	# Azurite 3.36+ needs node >= 21; 3.37+ needs node >= 22.
	if ((major >= 22)); then
		echo 3.37.0
	else
		echo 3.35.0
	fi
}

# install_node installs Debian's Node.js and npm when they are missing (CI
# runs in a plain Debian Go image).
install_node() {
	if command -v node >/dev/null && command -v npm >/dev/null; then
		return
	fi
	command -v apt-get >/dev/null || { echo "emulators: node and npm are not installed" >&2; exit 1; }
	local sudo=""
	if [[ "$(id -u)" != 0 ]]; then sudo=sudo; fi
	echo "emulators: installing nodejs and npm with apt-get" >&2
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
	$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nodejs npm >/dev/null
}

start() {
	mkdir -p "$dir"
	if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
		echo "emulators: azurite already running (pid $(cat "$pidfile"))" >&2
		print_env
		return
	fi
	if port_open "$port"; then
		echo "emulators: 127.0.0.1:$port is already in use; assuming Azurite is running there" >&2
		print_env
		return
	fi
	local bin="$dir/node_modules/.bin/azurite-blob"
	if [[ ! -x "$bin" ]]; then
		install_node
		local v
		v="$(pick_version)"
		echo "emulators: installing azurite@$v into $dir" >&2
		npm install --silent --no-audit --no-fund --prefix "$dir" "azurite@$v" >&2
	fi
	"$bin" --blobHost 127.0.0.1 --blobPort "$port" \
		--skipApiVersionCheck --loose --silent --disableTelemetry --inMemoryPersistence --extentMemoryLimit 1024 >"$logfile" 2>&1 &
	echo $! >"$pidfile"
	local i
	for ((i = 0; i < 100; i++)); do
		if port_open "$port"; then
			echo "emulators: azurite blob listening on 127.0.0.1:$port (pid $(cat "$pidfile"))" >&2
			print_env
			return
		fi
		if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
			echo "emulators: azurite exited; log follows" >&2
			cat "$logfile" >&2
			exit 1
		fi
		sleep 0.2
	done
	echo "emulators: azurite did not open 127.0.0.1:$port within 20s" >&2
	exit 1
}

stop() {
	if [[ -f "$pidfile" ]]; then
		local pid
		pid="$(cat "$pidfile")"
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid"
		fi
		rm -f "$pidfile"
	fi
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
env) print_env ;;
*)
	echo "usage: $0 [start|stop|env]" >&2
	exit 2
	;;
esac
