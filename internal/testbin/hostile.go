package testbin

// HostileServer returns the path of the malicious MCP server (internal/hostileserver),
// building it on first use.
func HostileServer() (string, error) { return build("hostileserver", "./internal/hostileserver") }
