#!/usr/bin/env bash
# package-macos.sh builds MCP Tray for macOS on a Mac (`make package` runs it there; the
# workflow .github/workflows/macos.yml runs it on a macOS runner) into dist/:
#
#   dist/MCP Tray.app                          tray-only (LSUIElement: no Dock icon; the menu
#       bar icon is a template image the app picks at run time), mcptray (the path AI clients'
#       settings name) and mcptray-otel (the OpenTelemetry helper) beside mcptray-app in
#       Contents/MacOS
#   dist/mcptray-VERSION-macos-ARCH.dmg        the app and a link to Applications, to drag across
#
# Signing and notarization run when their settings are present (a release build), and are
# skipped with a note otherwise (a person's own build, which needs right-click → Open once):
#   MACOS_SIGN_IDENTITY   "Developer ID Application: NAME (TEAMID)", in the login keychain
#   MACOS_NOTARY_PROFILE  a notarytool keychain profile, made once with
#                         xcrun notarytool store-credentials PROFILE --apple-id … --team-id …
# The order matters: sign the inner programs, then the app (hardened runtime, secure
# timestamp), build the DMG from the signed app, sign the DMG, submit the DMG to Apple's notary
# service and wait, then staple the ticket to the DMG and the app so both open offline.
#
# Needs Go and the Xcode command line tools (xcode-select --install).
set -euo pipefail
# shellcheck source=scripts/package-lib.sh
source "$(dirname "$0")/package-lib.sh"

[ "$(uname -s)" = Darwin ] || fail "the macOS app can only be built on a Mac (it needs Apple's tools)"
GOARCH=$(go env GOARCH)
mkdir -p "$DIST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build_pair "$work" darwin "$GOARCH"
(cd "$work" && fyne package --target darwin --release --app-id io.github.mcptray --name "MCP Tray" \
	--icon "$ROOT/assets/icons/app.png" --app-version "$PKG_VERSION" \
	--executable "$work/mcptray-app" --src "$ROOT/cmd/mcptray" >/dev/null) ||
	fail "fyne package failed (see above)"
app="$work/MCP Tray.app"
install -m 0755 "$work/mcptray" "$app/Contents/MacOS/mcptray"
install -m 0755 "$work/mcptray-otel" "$app/Contents/MacOS/mcptray-otel"
plist="$app/Contents/Info.plist"
/usr/libexec/PlistBuddy -c "Delete :LSUIElement" "$plist" 2>/dev/null || true
/usr/libexec/PlistBuddy -c "Add :LSUIElement bool true" "$plist"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
	say "signing with $MACOS_SIGN_IDENTITY"
	for p in "$app/Contents/MacOS/mcptray" "$app/Contents/MacOS/mcptray-otel" "$app/Contents/MacOS/mcptray-app" "$app"; do
		codesign --force --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$p"
	done
	codesign --verify --strict --verbose=2 "$app"
else
	say "not signed (MACOS_SIGN_IDENTITY is not set): the app opens with right-click → Open the first time"
fi

rm -rf "$DIST/MCP Tray.app"
cp -R "$app" "$DIST/"
dmg="$DIST/mcptray-$PKG_VERSION-macos-$GOARCH.dmg"
mkdir "$work/dmg"
cp -R "$app" "$work/dmg/"
ln -s /Applications "$work/dmg/Applications"
rm -f "$dmg"
hdiutil create -volname "MCP Tray" -srcfolder "$work/dmg" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
	codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
fi

if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
	[ -n "${MACOS_SIGN_IDENTITY:-}" ] || fail "notarizing needs a signed app: set MACOS_SIGN_IDENTITY too"
	say "notarizing $dmg (this waits for Apple)"
	xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
	xcrun stapler staple "$dmg"
	xcrun stapler staple "$DIST/MCP Tray.app"
	spctl --assess --type open --context context:primary-signature --verbose "$dmg"
else
	say "not notarized (MACOS_NOTARY_PROFILE is not set)"
fi
say "wrote $DIST/MCP Tray.app and $dmg"
