package assets

import "embed"

// CatalogIcons are the built-in catalog's icons: catalog/icons/ID.svg for the entry with
// catalog id ID (48×48, original drawings, no logos), and catalog/icons/_default.svg for an
// entry without one of its own. Read-only and safe for concurrent use; the catalog package
// serves them.
//
//go:embed catalog/icons/*.svg
var CatalogIcons embed.FS
