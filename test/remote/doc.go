// Package remote tests remote servers through the real mcptray binary: the TypeScript SDK's
// example servers over streamable HTTP (with and without OAuth) and the older HTTP+SSE,
// reached by AI-app stand-ins through `mcptray connect`, and hostile servers that try to send
// MCP Tray to this computer's or the cloud's private addresses.
package remote
