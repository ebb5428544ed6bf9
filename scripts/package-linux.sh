#!/usr/bin/env bash
# package-linux.sh builds MCP Tray's Linux installers into dist/ (`make package`,
# `make package-deb`, `make package-rpm` run it):
#
#   dist/mcptray_VERSION_ARCH.deb       Debian, Ubuntu, Mint…   sudo apt install ./mcptray_*.deb
#   dist/mcptray-VERSION-1.ARCH.rpm     Fedora, RHEL, openSUSE  sudo dnf install ./mcptray-*.rpm
#   dist/mcptray-VERSION-linux-ARCH.tar.xz   anything else      sudo make install inside it
#
# Usage: scripts/package-linux.sh [deb] [rpm] [tarball]   (no argument: all three)
# Each holds /usr/bin/mcptray, /usr/bin/mcptray-app and /usr/bin/mcptray-otel, the desktop entry
# io.github.mcptray.desktop and the icon at four sizes in the hicolor theme; the recipe is
# packaging/linux/nfpm.yaml (nfpm, pinned in scripts/package-lib.sh). Needs what
# `scripts/deps.sh build` installs; nfpm is built with Go, no rpm tools are needed.
set -euo pipefail
# shellcheck source=scripts/package-lib.sh
source "$(dirname "$0")/package-lib.sh"

formats=("$@")
[ ${#formats[@]} -eq 0 ] && formats=(deb rpm tarball)
GOARCH=$(go env GOARCH)
mkdir -p "$DIST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
mkdir -p "$stage"

build_pair "$stage" linux "$GOARCH"
go run ./packaging/icons -png assets/icons/app.png -out "$stage/icons"

for f in "${formats[@]}"; do
	case "$f" in
	deb | rpm)
		# nfpm expands variables in its fields but not in file sources: the stage is filled in here.
		sed "s#\${MCPTRAY_STAGE}#$stage#g" packaging/linux/nfpm.yaml >"$work/nfpm.yaml"
		MCPTRAY_ARCH=$GOARCH MCPTRAY_PKG_VERSION=$PKG_VERSION \
			nfpm package --config "$work/nfpm.yaml" --packager "$f" --target "$DIST/" >/dev/null ||
			fail "nfpm could not build the .$f (see above)"
		say "wrote $(ls -t "$DIST"/*."$f" | head -n1)"
		;;
	tarball)
		t="$work/tar"
		install -Dm755 "$stage/mcptray" "$t/usr/local/bin/mcptray"
		install -Dm755 "$stage/mcptray-app" "$t/usr/local/bin/mcptray-app"
		install -Dm755 "$stage/mcptray-otel" "$t/usr/local/bin/mcptray-otel"
		install -Dm644 packaging/linux/io.github.mcptray.desktop "$t/usr/local/share/applications/io.github.mcptray.desktop"
		install -Dm644 packaging/linux/io.github.mcptray.install.desktop "$t/usr/local/share/applications/io.github.mcptray.install.desktop"
		install -Dm644 packaging/linux/io.github.mcptray.mcpb.xml "$t/usr/local/share/mime/packages/io.github.mcptray.mcpb.xml"
		for n in 512 256 128 48; do
			install -Dm644 "$stage/icons/$n/io.github.mcptray.png" "$t/usr/local/share/icons/hicolor/${n}x$n/apps/io.github.mcptray.png"
		done
		cat >"$t/Makefile" <<'MAKEFILE'
# Install MCP Tray: sudo make install; remove it: sudo make uninstall (your MCP Tray home,
# ~/.config/mcptray, is never touched). PREFIX and DESTDIR are honoured.
PREFIX ?= /usr/local
PROGRAMS = bin/mcptray bin/mcptray-app bin/mcptray-otel
DATA = share/applications/io.github.mcptray.desktop \
	share/applications/io.github.mcptray.install.desktop \
	share/mime/packages/io.github.mcptray.mcpb.xml \
	$(foreach n,512 256 128 48,share/icons/hicolor/$(n)x$(n)/apps/io.github.mcptray.png)
# The desktop's caches learn the .mcpb type (opening one offers "Install with MCP Tray"); not
# when staging into DESTDIR, whose packager does that.
CACHES = [ -n "$(DESTDIR)" ] || { ! command -v update-mime-database >/dev/null || update-mime-database "$(PREFIX)/share/mime"; \
	! command -v update-desktop-database >/dev/null || update-desktop-database "$(PREFIX)/share/applications"; }
install:
	for f in $(PROGRAMS); do install -Dm755 "usr/local/$$f" "$(DESTDIR)$(PREFIX)/$$f"; done
	for f in $(DATA); do install -Dm644 "usr/local/$$f" "$(DESTDIR)$(PREFIX)/$$f"; done
	$(CACHES)
uninstall:
	for f in $(PROGRAMS) $(DATA); do rm -f "$(DESTDIR)$(PREFIX)/$$f"; done
	$(CACHES)
MAKEFILE
		out="$DIST/mcptray-$VERSION-linux-$GOARCH.tar.xz"
		XZ_OPT=${XZ_OPT:--T0} tar -cJf "$out" -C "$t" usr Makefile
		say "wrote $out"
		;;
	*) fail "unknown Linux format $f (deb, rpm or tarball)" ;;
	esac
done
