package reconcile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// Backups of client files keep no credential: clients.BackupDir puts each in the keychain and
// leaves a marker the restore fills in. Copies written by earlier versions of MCP Tray may
// still hold credentials; once an import has moved one into the keychain, it is replaced in
// every backup of the file by a marker naming the server's keychain item, and restoring fills
// that marker in again. Only whole string values are replaced (quoted, or a YAML plain value),
// so a short credential never damages other text that happens to contain it.

const markerPrefix = "mcptray-keychain:"

// marker stands for the credential key of server in a backup.
func marker(server, key string) string { return markerPrefix + server + "/" + key }

var markerRE = regexp.MustCompile(regexp.QuoteMeta(markerPrefix) + `([A-Za-z0-9][A-Za-z0-9._-]{0,63})/([A-Za-z_][A-Za-z0-9_]*)`)

// redactSecrets replaces each credential's whole-value occurrences in content by its marker and
// reports which credentials it found. Unquoted values count only in YAML (plainValues).
func redactSecrets(content []byte, refs []secretRef, plainValues bool) ([]byte, map[secretRef]bool) {
	found := map[secretRef]bool{}
	for _, ref := range refs {
		m := []byte(marker(ref.server, ref.key))
		for _, q := range []string{`"`, `'`} {
			old := []byte(q + ref.value + q)
			if bytes.Contains(content, old) {
				content = bytes.ReplaceAll(content, old, append(append([]byte(q), m...), q...))
				found[ref] = true
			}
		}
		if !plainValues {
			continue
		}
		plain := regexp.MustCompile(`(?m)(:[ \t]+)` + regexp.QuoteMeta(ref.value) + `([ \t]*(?:#.*)?\r?)$`)
		if plain.Match(content) {
			content = plain.ReplaceAll(content, []byte("${1}"+string(m)+"${2}"))
			found[ref] = true
		}
	}
	return content, found
}

// redactBackups takes the credentials out of every copy in dir, the backup folder of the
// client file at path (a YAML file when yaml is set). Copies written since backups keep every
// credential in the keychain hold none; this covers older copies. It returns a sentence for
// each credential a copy still holds in a form MCP Tray cannot match.
func redactBackups(dir, path string, refs []secretRef, yaml bool) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []string{fmt.Sprintf("MCP Tray could not clean the backups of %s of credentials (%v); delete the folder %s once you no longer need to undo the import.", path, err, dir)}
	}
	var warnings []string
	found := map[secretRef]bool{}
	left := map[secretRef]bool{} // still in a copy, in a form not replaced
	for _, e := range entries {
		if e.IsDir() || e.Name() == "ORIGINAL-PATH.txt" {
			continue
		}
		p := filepath.Join(dir, e.Name())
		content, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		out, f := redactSecrets(content, refs, yaml)
		for ref := range f {
			found[ref] = true
		}
		for _, ref := range refs {
			if !f[ref] && len(ref.value) > 0 && bytes.Contains(out, []byte(ref.value)) {
				left[ref] = true
			}
		}
		if !bytes.Equal(out, content) {
			if err := atomicfile.WriteFile(p, out, 0o600); err != nil {
				warnings = append(warnings, fmt.Sprintf("MCP Tray could not take the credentials out of the backup %s (%v); delete it once you no longer need to undo the import.", p, err))
			}
		}
	}
	for _, ref := range refs {
		// The backup itself keeps credentials out (clients.BackupDir); a credential found
		// nowhere is only worth a sentence when some copy still holds it.
		if !found[ref] && left[ref] {
			warnings = append(warnings, fmt.Sprintf("MCP Tray could not find %s of %s in the backups of %s to take it out; check the folder %s.", ref.key, ref.server, path, dir))
		}
	}
	return warnings
}
