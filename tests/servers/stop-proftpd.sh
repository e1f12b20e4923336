#!/usr/bin/env bash
# Stops the proftpd that start-proftpd.sh started (by its recorded pid, and
# only if that process runs our proftpd binary). Idempotent.
set -euo pipefail

RUN_DIR=${FERRY_PROFTPD_RUN_DIR:-/tmp/ferry-test-proftpd}
BIN=${FERRY_TEST_TOOLS_DIR:-/opt/ferry-test-tools}/proftpd/usr/sbin/proftpd
[[ -f "$RUN_DIR/proftpd.pid" ]] || exit 0
pid=$(<"$RUN_DIR/proftpd.pid")
if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$BIN" ]]; then
  # setsid made it a process group leader: its session children go too.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  echo "stop-proftpd.sh: stopped proftpd (pid $pid)"
fi
rm -f "$RUN_DIR/proftpd.pid"
