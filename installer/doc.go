// Package installer installs servers from the catalog, one way for the CLI and the GUI: it
// checks that the runtime is on the computer, saves secrets to the keychain, adds the server
// to config.json, has the running MCP Tray start it, waits until the server lists its tools,
// and lets the chosen AI clients see it. Any failure undoes every step, so nothing is left
// half installed. It also lists the catalog for people (EntryView), finds installed servers
// with a newer version (Outdated) and moves them to it (Update).
//
// The installer runs inside the daemon; what it needs from the running MCP Tray (apply
// config.json now, connect to a server and list its tools, follow its log, write AI client
// files) comes through the Runtime interface, so the logic is tested with a fake runtime and
// end to end through the real binary. It never imports Fyne.
package installer
