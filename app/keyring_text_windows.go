//go:build windows

package app

// keyringText is in the words of Windows Credential Manager, which has no lock of its own:
// it opens with the Windows session. The daemon reads the seal again when it starts.
var keyringText = keyringWords{
	locked:      "Windows Credential Manager did not answer, so MCP Tray cannot check which settings you approved: quit MCP Tray and start it again.",
	unavailable: "Windows Credential Manager is not available, so MCP Tray cannot check which settings you approved: sign in to Windows with your own account, then quit MCP Tray and start it again.",
	denied:      "Windows Credential Manager did not let MCP Tray in, so it cannot check which settings you approved: sign in to Windows with your own account, then quit MCP Tray and start it again.",
	failed:      "Windows Credential Manager did not work, so MCP Tray cannot check which settings you approved: quit MCP Tray and start it again, and restart the computer if this stays.",
}
