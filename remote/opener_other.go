//go:build !darwin && !windows

package remote

var systemOpener = []string{"xdg-open"}
