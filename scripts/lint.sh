#!/usr/bin/env bash
# make lint: formatting, vet, the architecture rules (internal/layout) and dead code. It fails on
#   - a file gofmt would change, or anything go vet reports;
#   - a core package (everything but app/, cmd/ and test/gui) that imports Fyne or app/, or
#     whose tests do;
#   - a function nothing reaches, from a program or a test (deadcode, pinned below);
#   - a control method named by a string outside the API package (api/, #19): in a control
#     call (Call, Stream, Handle, HandleStream) or, for a name with a dot, anywhere; and a
#     package other than the daemon, the faces and tests that imports api/;
# It runs in well under two minutes on a warm module cache.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
# golang.org/x/tools/cmd/deadcode at an exact version (it works with this repo's Go).
DEADCODE_VERSION=v0.52.0
export CGO_ENABLED=0

step() { echo "lint: $*"; }

step "gofmt"
# Tracked and new files that are there (a file deleted but not yet committed is not).
files=$(git ls-files --cached --others --exclude-standard '*.go' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
unformatted=$(gofmt -l $files 2>&1 || true)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

step "go vet"
$GO vet -tags ci ./...
$GO vet -tags "ci gui" ./cmd/mcptray

step "core packages do not import Fyne or app/; control methods named only in api/, which only the daemon and faces import"
out=$($GO test -tags ci -count=1 -v -run 'TestCorePackagesDoNotImportTheGUI|TestControlMethodsAreNamedOnlyInTheAPIPackage|TestTheMethodCheckFindsEverySpelling|TestOnlyTheDaemonAndTheFacesImportTheAPI' ./internal/layout/ 2>&1) || {
  echo "$out"; exit 1; }

step "dead code (deadcode $DEADCODE_VERSION)"
gobin=$($GO env GOBIN)
bin=${gobin:-$($GO env GOPATH)/bin}/deadcode
if ! [ -x "$bin" ] || ! $GO version -m "$bin" 2>/dev/null | grep "mod[[:space:]]*golang.org/x/tools[[:space:]]*$DEADCODE_VERSION" >/dev/null; then
  $GO install "golang.org/x/tools/cmd/deadcode@$DEADCODE_VERSION"
fi
# -tags "ci gui": the tray app (app/) is reached only from the gui build of cmd/mcptray.
# scripts/deadcode-allow.txt lists what other changes still owe (no line numbers).
report=$("$bin" -test -tags "ci gui" ./...)
allow=$(grep -v '^#' scripts/deadcode-allow.txt | grep -v '^$' || true)
dead=$(echo "$report" | while IFS= read -r l; do
  [ -n "$l" ] || continue
  grep -qxF -- "$(echo "$l" | sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /')" <<<"$allow" || echo "$l"
done)
if [ -n "$dead" ]; then
  echo "Nothing calls these functions (not even a test): use them or remove them."
  echo "$dead"
  exit 1
fi
stale=$(echo "$allow" | grep -vxF -f <(echo "$report" | sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /') || true)
if [ -n "$stale" ]; then
  echo "lint: note: no longer dead, so take these lines out of scripts/deadcode-allow.txt:"
  echo "$stale"
fi
echo "lint: ok"
