// Package packaging tests MCP Tray's installers as a person gets them: it runs the real
// packaging scripts into a scratch folder and checks what the .deb, .rpm and MSI hold, runs
// the programs they install, and installs and removes the .deb with dpkg into a scratch root
// (a whole system's file tree and package database), checking that the person's home stays.
package packaging
