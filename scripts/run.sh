#!/usr/bin/env bash
# Starts MCP Tray: the tray app when there is a display, else the daemon alone.
set -euo pipefail
bin=$1
if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting the MCP Tray daemon without the tray icon ($bin daemon). Stop it with Ctrl-C." >&2
  exec "$bin" daemon
fi
exec "$bin"
