#!/usr/bin/env bash
# package.sh builds MCP Tray's installers into dist/ (`make package` runs it with no argument:
# everything this computer can build; docs/packaging.md says what each file is).
#
#   scripts/package.sh                        all that can be built here
#   scripts/package.sh deb rpm tarball        Linux: scripts/package-linux.sh
#   scripts/package.sh windows                the MSI and .exe files: scripts/package-windows.sh
#                                             (cross-built from Linux with mingw-w64 and wixl)
#   scripts/package.sh macos                  the .app and .dmg: scripts/package-macos.sh (on a Mac)
#
# On Linux, "all" is the .deb, .rpm and tarball, plus the Windows installer when
# x86_64-w64-mingw32-gcc and wixl are installed (a note says so when they are not). On a Mac it
# is the .app and .dmg. On Windows (Git Bash or MSYS2) it is the two programs with their icon.
set -euo pipefail
# shellcheck source=scripts/package-lib.sh
source "$(dirname "$0")/package-lib.sh"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	case "$(go env GOOS)" in
	linux)
		targets=(linux)
		if command -v x86_64-w64-mingw32-gcc >/dev/null && command -v wixl >/dev/null; then
			targets+=(windows)
		else
			say "skipping the Windows installer: it needs gcc-mingw-w64-x86-64 and wixl (sudo apt-get install gcc-mingw-w64-x86-64 wixl msitools)"
		fi
		;;
	darwin) targets=(macos) ;;
	windows) targets=(windows-native) ;;
	*) fail "packaging for $(go env GOOS) is not supported" ;;
	esac
fi

linux=()
for t in "${targets[@]}"; do
	case "$t" in
	linux) linux+=(deb rpm tarball) ;;
	deb | rpm | tarball) linux+=("$t") ;;
	windows) scripts/package-windows.sh ;;
	macos) scripts/package-macos.sh ;;
	windows-native)
		# On Windows itself: the three programs, the app with its icon (fyne package), no MSI.
		mkdir -p "$DIST/windows"
		work=$(mktemp -d)
		build_pair "$work" windows "$(go env GOARCH)"
		(cd "$work" && fyne package --target windows --release --app-id io.github.mcptray --name "MCP Tray" \
			--icon "$ROOT/assets/icons/app.png" --app-version "$PKG_VERSION" \
			--executable "$work/mcptray-app.exe" --src "$ROOT/cmd/mcptray" >/dev/null) ||
			fail "fyne package failed (see above)"
		cp "$work/mcptray-app.exe" "$work/mcptray.exe" "$work/mcptray-otel.exe" "$DIST/windows/"
		rm -rf "$work"
		say "wrote $DIST/windows/mcptray-app.exe, mcptray.exe and mcptray-otel.exe (keep them in the same folder)"
		;;
	*) fail "unknown target $t (deb, rpm, tarball, linux, windows or macos)" ;;
	esac
done
if [ ${#linux[@]} -gt 0 ]; then
	scripts/package-linux.sh "${linux[@]}"
fi
