// Package e2e holds end-to-end tests and benchmarks: the real mcptray binary, real MCP
// clients (the official TypeScript SDK and mcp-go) and real published servers from npm, in a
// temporary HOME. It has no non-test code.
package e2e
