// Package bundle reads Claude extension bundles (.mcpb, formerly .dxt): a zip archive with a
// manifest.json that says how to start an MCP server packed inside it, optionally followed by a
// PKCS#7 signature block that `mcpb sign` appends.
//
// Open reads a bundle whole and refuses anything an attacker could use against the person who
// opens it: paths that leave the bundle, links, absolute paths, entries that unpack to more
// than MaxUnpacked bytes, names given twice (also in another case), a manifest with a member
// given twice, an entry point outside the bundle, and a signature that does not match the
// bundle's bytes. Every refusal is one plain sentence (ErrRefused). What it opened, the
// installer turns into a plan (Plan) and unpacks (Unpack) into MCP Tray's own folder, where
// the server runs from read-only files that are checked before every start.
//
// The package does no network I/O and starts no process.
package bundle
