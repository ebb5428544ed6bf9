// Package assets holds the files MCP Tray ships inside its binary. It is data only: the code
// that reads these files lives in the packages that own them (the catalog package for the
// server catalog).
package assets

import "embed"

// Catalog is the built-in server catalog: one server.json document per file, named after the
// entry's catalog id, under catalog/*.json. It is read-only and safe for concurrent use; the
// catalog package parses and validates it.
//
//go:embed catalog/*.json
var Catalog embed.FS
