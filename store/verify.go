package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/config"
)

// manifestSuffix names the copy of a tree's manifest kept beside the tree (not inside it), so a
// mismatch can name the file that changed. It is not trusted: the checksum in config.json is.
const manifestSuffix = ".manifest"

// Verify checks that f's installed tree still holds exactly the files that were built, and
// returns one plain sentence naming the changed file when it does not. An OCI image, run by
// its digest, has no tree here to check. Verify reads every file (see docs/install.md for
// what that costs); it is safe for concurrent use.
func Verify(f config.Frozen) error {
	if f.Registry == "oci" {
		return nil
	}
	server := filepath.Base(filepath.Dir(f.Dir))
	if _, err := os.Stat(f.Dir); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("The installed files of %s are missing (%s); reinstall it with: mcptray install %s", server, f.Dir, reinstallName(server))
		}
		return fmt.Errorf("The installed files of %s could not be read (%v).", server, err)
	}
	got, err := manifest(f.Dir)
	if err != nil {
		return fmt.Errorf("The installed files of %s could not be checked (%v); reinstall it with: mcptray install %s", server, err, reinstallName(server))
	}
	if checksum(got) == f.Tree {
		return nil
	}
	where := ""
	if want, err := os.ReadFile(f.Dir + manifestSuffix); err == nil && checksum(want) == f.Tree {
		if p := firstDifference(want, got); p != "" {
			where = " (" + filepath.FromSlash(p) + ")"
		}
	}
	return fmt.Errorf("The installed files of %s were changed since MCP Tray installed them%s; reinstall it with: mcptray install %s", server, where, reinstallName(server))
}

func reinstallName(server string) string { return server }
