package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAbsCommand(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", "server"), []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	for command, want := range map[string]string{
		"bin/server":          filepath.Join(dir, "bin", "server"),
		"./bin/../bin/server": filepath.Join(dir, "bin", "server"),
		"npx":                 "npx",
		"/usr/bin/env":        "/usr/bin/env",
	} {
		if got, err := AbsCommand(command, dir); err != nil || got != want {
			t.Errorf("AbsCommand(%q) = %q, %v; want %q", command, got, err, want)
		}
	}
	for _, command := range []string{"./missing.sh", "./bin"} {
		if _, err := AbsCommand(command, dir); err == nil || !strings.Contains(err.Error(), command+" is not a file in "+dir) {
			t.Errorf("AbsCommand(%q) = %v", command, err)
		}
	}
}
