// Package shared holds the end-to-end tests and benchmarks of shared mode: the real mcptray
// binary running one published server (@modelcontextprotocol/server-everything) for three
// real clients (the official TypeScript SDK), in a temporary HOME. It has no non-test code.
package shared
