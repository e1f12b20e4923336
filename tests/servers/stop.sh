#!/usr/bin/env bash
# Stops the test servers started by start.sh (by their recorded pids).
# Idempotent: exits 0 when nothing is running. Logs are kept for debugging;
# state.json is removed so tests report "not running" instead of failing oddly.
set -euo pipefail

# shellcheck source=tests/servers/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

for name in "${FERRY_SERVERS[@]}"; do
  ferry_stop_server "$name"
done
rm -f "$FERRY_STATE"
