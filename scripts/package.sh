#!/usr/bin/env bash
# package.sh builds MCP Tray's installable bundle for this computer's platform into dist/
# (`make package` runs it). It uses `fyne package` from fyne.io/tools, pinned below and run
# with `go run`, so nothing is installed globally.
#
#   Linux:   dist/mcptray-VERSION-linux-ARCH.tar.xz  (usr/local/bin/{mcptray,mcptray-app}, a
#            .desktop file and icon; `sudo make install` inside it installs them)
#   macOS:   dist/MCP Tray.app  (tray-only: LSUIElement, no Dock icon; mcptray beside the app
#            binary in Contents/MacOS, which is what AI clients run)
#   Windows: dist/mcptray-app.exe with its icon, and dist/mcptray.exe beside it
#
# Needs: Go, a C compiler and the GL/X headers (Linux: scripts/deps.sh build installs them),
# tar and xz on Linux; Xcode command line tools on macOS. Override the tool version with
# FYNE_TOOLS_VERSION=vX.Y.Z.
set -euo pipefail
cd "$(dirname "$0")/.."

FYNE_TOOLS_VERSION=${FYNE_TOOLS_VERSION:-v1.7.0}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
APP_VERSION=$(sed -n 's/^Version = "\(.*\)"/\1/p' cmd/mcptray/FyneApp.toml)
GOOS=$(go env GOOS)
GOARCH=$(go env GOARCH)
EXE=""
[ "$GOOS" = windows ] && EXE=".exe"
LDFLAGS="-X main.version=$VERSION"
# The fyne tool is built once into bin/tools from a throwaway module (checksums verified by
# the Go toolchain as usual); `go run pkg@version` would also need the module's version list,
# which some proxies refuse.
fyne_bin="$PWD/bin/tools/fyne-$FYNE_TOOLS_VERSION"
fyne() {
	if [ ! -x "$fyne_bin" ]; then
		say "building the fyne packaging tool $FYNE_TOOLS_VERSION (once)"
		local mod
		mod=$(mktemp -d)
		(cd "$mod" && go mod init fynetool >/dev/null 2>&1 &&
			go get "fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION" >/dev/null 2>&1 &&
			go build -o "$fyne_bin" fyne.io/tools/cmd/fyne) ||
			fail "could not build the fyne packaging tool $FYNE_TOOLS_VERSION (is the Go module proxy reachable?)"
		rm -rf "$mod"
	fi
	"$fyne_bin" "$@"
}

say() { printf 'package: %s\n' "$*"; }
fail() { printf 'package: %s\n' "$*" >&2; exit 1; }

mkdir -p dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say "building mcptray and mcptray-app $VERSION for $GOOS/$GOARCH"
CGO_ENABLED=0 go build -trimpath -ldflags "$LDFLAGS" -o "$work/mcptray$EXE" ./cmd/mcptray
CGO_ENABLED=1 go build -trimpath -tags gui -ldflags "$LDFLAGS $( [ "$GOOS" = windows ] && echo -H=windowsgui )" \
	-o "$work/mcptray-app$EXE" ./cmd/mcptray \
	|| fail "building the tray app needs a C compiler and the GL/X headers; run: scripts/deps.sh build"

common=(--release --app-id io.github.mcptray --name "MCP Tray" --icon "$PWD/assets/icons/app.png"
	--app-version "$APP_VERSION" --executable "$work/mcptray-app$EXE" --src "$PWD/cmd/mcptray")

case "$GOOS" in
linux | freebsd | openbsd | netbsd)
	command -v xz >/dev/null || fail "xz is missing: install it (Debian/Ubuntu: sudo apt install xz-utils)"
	(cd "$work" && fyne package --target "$GOOS" "${common[@]}" >/dev/null) \
		|| fail "fyne package failed (see above)"
	stage="$work/stage"
	mkdir -p "$stage"
	tar -xJf "$work/MCP Tray.tar.xz" -C "$stage"
	prefix=$(cd "$stage" && dirname "$(find usr -path '*/bin/mcptray-app' | head -n1)")
	prefix=${prefix%/bin}
	install -m 0755 "$work/mcptray" "$stage/$prefix/bin/mcptray"
	# Fyne's Makefile installs only the app; this one installs the bridge beside it too
	# (AI clients run mcptray, and the app finds it next to itself).
	cat >"$stage/Makefile" <<MAKEFILE
# Install MCP Tray: sudo make install; remove it: sudo make uninstall.
PREFIX ?= /$prefix
install:
	install -Dm755 $prefix/bin/mcptray-app \$(DESTDIR)\$(PREFIX)/bin/mcptray-app
	install -Dm755 $prefix/bin/mcptray \$(DESTDIR)\$(PREFIX)/bin/mcptray
	install -Dm644 "$prefix/share/applications/MCP Tray.desktop" "\$(DESTDIR)\$(PREFIX)/share/applications/MCP Tray.desktop"
	install -Dm644 "$prefix/share/pixmaps/MCP Tray.png" "\$(DESTDIR)\$(PREFIX)/share/pixmaps/MCP Tray.png"
uninstall:
	rm -f \$(DESTDIR)\$(PREFIX)/bin/mcptray-app \$(DESTDIR)\$(PREFIX)/bin/mcptray
	rm -f "\$(DESTDIR)\$(PREFIX)/share/applications/MCP Tray.desktop" "\$(DESTDIR)\$(PREFIX)/share/pixmaps/MCP Tray.png"
MAKEFILE
	out="dist/mcptray-$VERSION-$GOOS-$GOARCH.tar.xz"
	tar -cJf "$out" -C "$stage" usr Makefile
	say "wrote $out"
	tar -tJf "$out" | sed 's/^/  /'
	;;
darwin)
	(cd "$work" && fyne package --target darwin "${common[@]}" >/dev/null) \
		|| fail "fyne package failed (see above)"
	app="$work/MCP Tray.app"
	install -m 0755 "$work/mcptray" "$app/Contents/MacOS/mcptray"
	# Tray-only: no Dock icon and no app menu; the menu bar icon is the way in.
	plist="$app/Contents/Info.plist"
	/usr/libexec/PlistBuddy -c "Delete :LSUIElement" "$plist" 2>/dev/null || true
	/usr/libexec/PlistBuddy -c "Add :LSUIElement bool true" "$plist"
	rm -rf "dist/MCP Tray.app"
	mv "$app" dist/
	say "wrote dist/MCP Tray.app (drag it to Applications)"
	;;
windows)
	(cd "$work" && fyne package --target windows "${common[@]}" >/dev/null) \
		|| fail "fyne package failed (see above)"
	cp "$work/mcptray-app.exe" "$work/mcptray.exe" dist/
	say "wrote dist/mcptray-app.exe and dist/mcptray.exe (keep them in the same folder)"
	;;
*)
	fail "packaging for $GOOS is not supported"
	;;
esac
