# package-lib.sh is sourced by the package*.sh scripts: messages, versions, pinned tools.
# shellcheck shell=bash

say() { printf 'package: %s\n' "$*"; }
fail() { printf 'package: %s\n' "$*" >&2; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# DIST is where the installers go (tests point it at a scratch folder).
DIST=${DIST:-dist}
APP_VERSION=$(sed -n 's/^Version = "\(.*\)"/\1/p' cmd/mcptray/FyneApp.toml)
# VERSION is what `mcptray version` prints; a release build sets it to the tag (v0.2.0 → 0.2.0).
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
VERSION=${VERSION#v}
# PKG_VERSION is the installers' version: VERSION when it is a release number, else the app's.
if [[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then PKG_VERSION=$VERSION; else PKG_VERSION=$APP_VERSION; fi
# A release build passes the release public key (base64) and manifest address; without them
# the programs still work but cannot update themselves (docs/app-updates.md).
LDFLAGS="-X main.version=$VERSION"
[ -n "${MCPTRAY_UPDATE_KEY:-}" ] && LDFLAGS="$LDFLAGS -X github.com/mcptray/mcptray/release.publicKey=$MCPTRAY_UPDATE_KEY"
[ -n "${MCPTRAY_UPDATE_URL:-}" ] && LDFLAGS="$LDFLAGS -X github.com/mcptray/mcptray/release.manifestURL=$MCPTRAY_UPDATE_URL"

# TRIMPATH is -trimpath (no build machine paths in the programs); the installer tests set it
# empty so that their build shares Go's build cache with the tray app's other tests.
TRIMPATH=${TRIMPATH--trimpath}

# Pinned packaging tools, each built once into bin/tools from a throwaway module (checksums
# verified by the Go toolchain as usual; `go run pkg@version` would also need the module's
# version list, which some proxies refuse). Override a version with the variable's name.
FYNE_TOOLS_VERSION=${FYNE_TOOLS_VERSION:-v1.7.0}
NFPM_VERSION=${NFPM_VERSION:-v2.48.0}
WINRES_VERSION=${WINRES_VERSION:-v0.3.3}

# tool NAME MODULE VERSION PACKAGE ARGS… runs a pinned Go tool, building it first if needed.
tool() {
	local name=$1 module=$2 version=$3 pkg=$4
	shift 4
	local bin="$ROOT/bin/tools/$name-$version"
	if [ ! -x "$bin" ]; then
		say "building the $name tool $version (once)"
		local mod
		mod=$(mktemp -d)
		(cd "$mod" && go mod init "${name}tool" >/dev/null 2>&1 &&
			go get "$module@$version" >/dev/null 2>&1 &&
			go build -o "$bin" "$pkg") ||
			fail "could not build the $name tool $version (is the Go module proxy reachable?)"
		rm -rf "$mod"
	fi
	"$bin" "$@"
}
fyne() { tool fyne fyne.io/tools/cmd/fyne "$FYNE_TOOLS_VERSION" fyne.io/tools/cmd/fyne "$@"; }
nfpm() { tool nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm "$NFPM_VERSION" github.com/goreleaser/nfpm/v2/cmd/nfpm "$@"; }
winres() { tool go-winres github.com/tc-hib/go-winres "$WINRES_VERSION" github.com/tc-hib/go-winres "$@"; }

# build_pair DIR GOOS GOARCH [CC] builds mcptray and mcptray-otel (pure Go; the daemon starts
# the OpenTelemetry helper from its own folder when telemetry is on) and mcptray-app (cgo, with
# CC for a cross build) into DIR, or fails with a sentence.
build_pair() {
	local dir=$1 goos=$2 goarch=$3 cc=${4:-} exe=""
	[ "$goos" = windows ] && exe=".exe"
	say "building mcptray $VERSION for $goos/$goarch"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build $TRIMPATH -ldflags "$LDFLAGS" -o "$dir/mcptray$exe" ./cmd/mcptray ||
		fail "could not build mcptray (see above)"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build $TRIMPATH -ldflags "$LDFLAGS" -o "$dir/mcptray-otel$exe" ./cmd/mcptray-otel ||
		fail "could not build mcptray-otel (see above)"
	say "building mcptray-app $VERSION for $goos/$goarch"
	local gui=""
	[ "$goos" = windows ] && gui="-H=windowsgui"
	env CGO_ENABLED=1 GOOS="$goos" GOARCH="$goarch" ${cc:+CC="$cc"} go build $TRIMPATH -tags gui \
		-ldflags "$LDFLAGS $gui" -o "$dir/mcptray-app$exe" ./cmd/mcptray ||
		fail "could not build the tray app (see above); it needs a C compiler and the GL/X headers${cc:+ ($cc)}: scripts/deps.sh build"
}
