#!/usr/bin/env bash
# Runs every test. The keychain tests need a real Secret Service, so the whole run happens
# inside a private D-Bus session with gnome-keyring unlocked and a throwaway HOME (see
# keychain/run-with-secret-service.sh); the person's own keyring is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."

export CGO_ENABLED=1
# AppArmor 4's parser for test/packaging, where scripts/deps.sh unpacked it (this system has none).
aa4="${XDG_CACHE_HOME:-$HOME/.cache}/mcptray-test/apparmor4"
[ -z "${MCPTRAY_APPARMOR4:-}" ] && [ -x "$aa4/apparmor_parser" ] && export MCPTRAY_APPARMOR4="$aa4"
# The tray app's test drives real windows on a virtual display with timeouts of its own: it runs
# after the rest, on a machine not busy with them (under two packages of -race tests at once, a
# window process has failed to reach its X server in time).
pkgs=$(go list -tags ci ./... | grep -v '/test/gui$')
gui_pkg=./test/gui
# Every fuzz target gets a bounded run on top of its seed corpus (which `go test` already runs).
fuzz_targets=$(grep -rHoE --include='*_test.go' --exclude-dir=node_modules '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . 2>/dev/null \
  | sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]+).*|./\1:\2|' | sort -u | tr '\n' ' ' || true)

export PKGS="$pkgs" GUI_PKG="$gui_pkg" FUZZ_TARGETS="$fuzz_targets"
echo "mcptray test: $(echo "$pkgs" | wc -w) packages, fuzz targets: ${fuzz_targets:-none}"
keychain/run-with-secret-service.sh bash -c '
set -euo pipefail
go test -tags ci -race -count=1 -timeout 25m $PKGS
go test -tags ci -race -count=1 -timeout 10m $GUI_PKG
for target in $FUZZ_TARGETS; do
  pkg=${target%%:*}; fn=${target#*:}
  # The fuzzing engine can end a time-bounded run with "context deadline exceeded" when a
  # worker is busy with a slow input as the time runs out, though nothing failed (no failing
  # input is written then). Such a run is tried once more; a real failure fails at once.
  for try in 1 2; do
    if out=$(go test -tags ci -run "^$" -fuzz "^${fn}\$" -fuzztime 10s "$pkg" 2>&1); then
      echo "$out" | tail -1; break
    fi
    echo "$out"
    if [ "$try" = 2 ] || ! echo "$out" | grep -q "context deadline exceeded" || echo "$out" | grep -q "Failing input written"; then
      exit 1
    fi
    echo "mcptray test: $fn ended on the fuzzing engine'"'"'s deadline with nothing failing; running it again"
  done
done'
