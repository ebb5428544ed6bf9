//go:build !darwin && !windows

package app

// keyringText is in the words of the Secret Service (GNOME Keyring, which GNOME shows as
// "Passwords and Keys", KWallet, KeePassXC). Nothing tells the daemon when the keyring is
// unlocked: it reads the seal again when it starts.
var keyringText = keyringWords{
	locked:      "Your keyring is locked, so MCP Tray cannot check which settings you approved: unlock it (in Passwords and Keys, or by logging in again), then quit MCP Tray and start it again.",
	unavailable: "No keyring is running, so MCP Tray cannot check which settings you approved: log in to your desktop (or start your keyring app), then quit MCP Tray and start it again.",
	denied:      "Your keyring did not let MCP Tray in, so it cannot check which settings you approved: allow MCP Tray when the keyring asks, then quit MCP Tray and start it again.",
	failed:      "Your keyring did not work, so MCP Tray cannot check which settings you approved: quit MCP Tray and start it again, and restart the computer if this stays.",
}
