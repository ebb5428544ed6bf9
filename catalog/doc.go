// Package catalog knows which MCP servers a person can install and how to run them. It never
// runs anything itself.
//
// Entries are official MCP Registry server.json documents (see Server), parsed strictly by
// Parse: exact versions only, npm, PyPI and OCI packages only, stdio packages only; unknown
// fields are kept so a document survives a round trip. MCP Tray's own metadata (category,
// plain-language summary, read-only, runtime) lives in _meta under MetaKey, and only the
// built-in catalog may carry it: registry entries have it ignored, and LookAlike flags a
// registry entry whose name imitates a built-in one. Hazards lists what in a plan could take
// over the runtime or the computer (loader variables, package-source overrides, privileged
// container flags, shells), which the installer refuses unless the person allows each.
//
// Three sources feed a Catalog:
//   - the built-in catalog shipped in the assets package (Embedded, LoadEmbedded);
//   - the live MCP Registry API, read by Client with an on-disk cache that keeps working
//     offline (List, SearchAll, Latest, CheckUpdate);
//   - that cache, read without the network (Open, LoadCached).
//
// Installing goes in two steps: Questions says what to ask the person; Plan turns the
// answers into an InstallPlan with the exact command ("npx -y pkg@1.2.3", "uvx pkg@1.2.3",
// "docker run -i --rm -e NAME image:tag"), the non-secret environment, and the secrets kept
// apart for the keychain. A secret never reaches the command line, the non-secret
// environment, or the printed or JSON form of a plan.
package catalog
