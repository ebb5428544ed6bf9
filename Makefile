# MCP Tray. The two commands that matter: `make run` and `make test`.
# Each sets up what it needs first (see scripts/deps.sh) and says so when it cannot.

GO      ?= go
BIN     := bin/mcptray
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run build test bench bench-ci lint package deps test-deps clean

## run: install build dependencies if missing, build, and start MCP Tray (tray app, or the daemon without a display)
run: build
	@scripts/run.sh $(BIN)

## build: build bin/mcptray (small, pure Go: the CLI, the daemon and the bridge AI clients run)
## and bin/mcptray-app (the tray app; needs a C compiler and the GL/X headers on Linux)
build: deps
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/mcptray
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)-otel ./cmd/mcptray-otel
	CGO_ENABLED=1 $(GO) build -trimpath -tags gui -ldflags "$(LDFLAGS)" -o $(BIN)-app ./cmd/mcptray

## test: install test dependencies if missing, then run every test (real processes, real keyring, real clients)
test: test-deps
	@scripts/test.sh

## bench: run the benchmarks and write bench/latest.txt (figures go in the README)
bench: test-deps build
	@MCPTRAY_BIN=$(CURDIR)/$(BIN) scripts/bench.sh

## bench-ci: every benchmark once, quickly, so CI proves they still run
bench-ci: test-deps
	@BENCH_QUICK=1 scripts/bench.sh

## lint: formatting, vet, core packages never import Fyne or app/, no dead code (scripts/lint.sh)
lint:
	@GO=$(GO) scripts/lint.sh

## package: build every installer this computer can build into dist/ (Linux: .deb, .rpm,
## tarball, and the Windows MSI when mingw-w64 and wixl are installed; macOS: .app and .dmg)
package: deps
	@scripts/package.sh

.PHONY: package-deb package-rpm package-windows package-macos
## package-deb, package-rpm: only the Linux .deb or .rpm (see docs/packaging.md)
package-deb: deps
	@scripts/package.sh deb
package-rpm: deps
	@scripts/package.sh rpm
## package-windows: the Windows MSI and .exe files, cross-built from Linux (mingw-w64, wixl)
package-windows: deps
	@scripts/package.sh windows
## package-macos: the macOS .app and .dmg, signed and notarized when configured (on a Mac)
package-macos: deps
	@scripts/package.sh macos

deps:
	@scripts/deps.sh build

test-deps:
	@scripts/deps.sh test

clean:
	rm -rf bin dist bench/latest.txt
