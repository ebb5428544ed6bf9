//go:build !linux && !darwin

package release

// systemManaged knows no package database here; the MSI says it installed MCP Tray with
// MarkerFile beside the programs.
func systemManaged(exe string) (Manager, bool) { return Manager{}, false }
