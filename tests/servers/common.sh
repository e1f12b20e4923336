# Shared by start.sh and stop.sh (sourced, not executed).
# Everything the test servers write lives under one throwaway folder.

FERRY_DIR=${FERRY_TEST_SERVERS_DIR:-/tmp/ferry-test-servers}
FERRY_RUN_DIR="$FERRY_DIR/run"
FERRY_STATE="$FERRY_DIR/state.json"
# The servers we manage, each with a pid file "$FERRY_RUN_DIR/<name>.pid".
FERRY_SERVERS=(vsftpd-ftp vsftpd-ftps-implicit sshd tftpd)

case "$FERRY_DIR" in
  /*) ;;
  *) echo "FERRY_TEST_SERVERS_DIR must be an absolute path (got '$FERRY_DIR')" >&2; exit 1 ;;
esac
if [[ "$FERRY_DIR" =~ [[:space:]] || "$FERRY_DIR" == "/" ]]; then
  echo "FERRY_TEST_SERVERS_DIR must not be / nor contain whitespace (got '$FERRY_DIR')" >&2
  exit 1
fi

# True if process $1 exists and is not a zombie. (A dead server stays a zombie
# until its parent reaps it; once start.sh exits that is PID 1, which in some
# containers reaps only every few seconds.)
ferry_pid_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ "$state" != Z ]]
}

# Prints the pid recorded for server $1 if that process is alive and is really
# ours (its command line mentions our folder, which guards against pid reuse).
ferry_live_pid() {
  local file="$FERRY_RUN_DIR/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  ferry_pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$FERRY_DIR" || return 1
  printf '%s\n' "$pid"
}

# True when state.json exists and every server's recorded process is alive.
ferry_all_running() {
  [[ -f "$FERRY_STATE" ]] || return 1
  local name
  for name in "${FERRY_SERVERS[@]}"; do
    ferry_live_pid "$name" >/dev/null || return 1
  done
}

# Stops server $1 (TERM, then KILL after 5 s). Kills its whole process group
# when the server leads one (start.sh runs each under setsid), so per-session
# children go too. Returns 0 whether or not it was running.
ferry_stop_server() {
  local name=$1 pid pgid target i
  if pid=$(ferry_live_pid "$name"); then
    pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
    if [[ "$pgid" == "$pid" ]]; then target="-$pid"; else target="$pid"; fi
    kill -TERM -- "$target" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      ferry_pid_alive "$pid" || break
      sleep 0.05
    done
    if ferry_pid_alive "$pid"; then
      kill -KILL -- "$target" 2>/dev/null || true
    fi
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$FERRY_RUN_DIR/$name.pid"
}
