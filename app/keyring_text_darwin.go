package app

// keyringText is in the words of the macOS Keychain (the Keychain Access app). The daemon
// reads the seal again when it starts.
var keyringText = keyringWords{
	locked:      "Your login keychain is locked, so MCP Tray cannot check which settings you approved: unlock it in Keychain Access, then quit MCP Tray and start it again.",
	unavailable: "The macOS Keychain could not be reached, so MCP Tray cannot check which settings you approved: log in to this Mac's desktop, then quit MCP Tray and start it again.",
	denied:      "The macOS Keychain did not let MCP Tray in, so it cannot check which settings you approved: choose Allow when the keychain asks, then quit MCP Tray and start it again.",
	failed:      "The macOS Keychain did not work, so MCP Tray cannot check which settings you approved: quit MCP Tray and start it again, and restart the Mac if this stays.",
}
