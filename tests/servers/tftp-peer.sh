#!/usr/bin/env bash
# Starts or stops one extra TFTP server for Ferry's TFTP integration tests,
# beside the shared ones from start.sh (which it never touches), on
# 127.0.0.1 and a port the caller picks:
#
#   tftp-peer.sh start atftpd PORT DIR       atftpd (unpacked by install.sh):
#                                            blksize, tsize, timeout, windowsize
#   tftp-peer.sh start tftpd-plain PORT DIR  tftpd-hpa refusing every option,
#                                            like an old device: no OACK
#   tftp-peer.sh stop DIR
#
# DIR is a folder of the caller's (a fresh temporary one): the server serves
# DIR/root (created, world-writable so uploads work), logs to DIR/server.log
# and records its pid in DIR/server.pid. Prints the pid. Needs root (the
# servers drop to nobody).
set -euo pipefail

ATFTPD=${FERRY_TEST_TOOLS_DIR:-/opt/ferry-test-tools}/atftpd/usr/sbin/atftpd
TFTPD_HPA=/usr/sbin/in.tftpd
START_TIMEOUT=${FERRY_TEST_SERVERS_TIMEOUT:-15}

fail() { echo "tftp-peer.sh: $*" >&2; exit 1; }
usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

check_dir() {
  [[ "$1" == /* && ! "$1" =~ [[:space:]] && "$1" != / ]] || fail "DIR must be an absolute path without spaces (got '$1')"
}

# The pid recorded in DIR, if that process is alive and really serves DIR.
live_pid() {
  local dir=$1 pid state
  [[ -f "$dir/server.pid" ]] || return 1
  pid=$(<"$dir/server.pid")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ "$state" != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/root" || return 1
  printf '%s\n' "$pid"
}

start() {
  local kind=$1 port=$2 dir=$3 pid
  check_dir "$dir"
  [[ "$port" =~ ^[0-9]+$ ]] && ((port >= 1024 && port <= 65535)) || fail "PORT must be 1024-65535 (got '$port')"
  [[ $EUID -eq 0 ]] || fail "must run as root"
  if pid=$(live_pid "$dir"); then
    echo "$pid"
    return
  fi
  if [[ -n "$(ss -Hlnu "sport = :$port" 2>/dev/null || true)" ]]; then fail "udp port $port is already in use"; fi
  mkdir -p "$dir/root"
  chmod 755 "$dir"
  chmod 777 "$dir/root"
  : >"$dir/server.log"
  chown nobody "$dir/server.log"
  case "$kind" in
    atftpd)
      [[ -x "$ATFTPD" ]] || fail "$ATFTPD not found; run: bash tests/servers/install.sh"
      setsid "$ATFTPD" --daemon --no-fork --port "$port" --bind-address 127.0.0.1 \
        --user nobody --group nogroup --maxthread 100 --logfile "$dir/server.log" --verbose=5 \
        "$dir/root" </dev/null >>"$dir/server.log" 2>&1 &
      ;;
    tftpd-plain)
      [[ -x "$TFTPD_HPA" ]] || fail "$TFTPD_HPA not found; run: bash tests/servers/install.sh"
      setsid "$TFTPD_HPA" --foreground --ipv4 --address "127.0.0.1:$port" --secure --create --permissive \
        --umask 022 --user nobody --verbose \
        --refuse blksize --refuse blksize2 --refuse tsize --refuse timeout --refuse utimeout --refuse rollover \
        "$dir/root" </dev/null >>"$dir/server.log" 2>&1 &
      ;;
    *) usage ;;
  esac
  pid=$!
  echo "$pid" >"$dir/server.pid"
  local deadline=$((SECONDS + START_TIMEOUT))
  until [[ -n "$(ss -Hlnu "sport = :$port" 2>/dev/null || true)" ]]; do
    kill -0 "$pid" 2>/dev/null || fail "$kind exited before listening on 127.0.0.1:$port: $(tail -5 "$dir/server.log")"
    ((SECONDS < deadline)) || fail "$kind not listening on 127.0.0.1:$port after ${START_TIMEOUT}s"
    sleep 0.05
  done
  echo "$pid"
}

stop() {
  local dir=$1 pid i
  check_dir "$dir"
  if pid=$(live_pid "$dir"); then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || break
      sleep 0.05
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$dir/server.pid"
}

case "${1:-}" in
  start) (($# == 4)) || usage; start "$2" "$3" "$4" ;;
  stop) (($# == 2)) || usage; stop "$2" ;;
  *) usage ;;
esac
