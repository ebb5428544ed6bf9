package testbin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/redact"
)

// AssertNoSecrets fails t for every regular file under each of dirs that holds one of secrets,
// raw, in a form it travels in (base64, URL-escaped: see redact.Forms) or inside a JSON string
// however it is escaped. Call it
// at the end of a test with HOME and the MCP Tray home: no file MCP Tray writes may hold a
// secret value. Symbolic links are not followed; a dir that does not exist is skipped. The
// message names the file and which secret, never the value.
func AssertNoSecrets(t testing.TB, secrets []string, dirs ...string) {
	t.Helper()
	var problems []string
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			content, err := os.ReadFile(path)
			if err != nil {
				problems = append(problems, fmt.Sprintf("reading %s to look for secrets: %v", path, err))
				return nil
			}
			if i, form := findSecret(content, secrets); i >= 0 {
				problems = append(problems, fmt.Sprintf("%s holds secret #%d (%s)", path, i+1, form))
			}
			return nil
		})
		if err != nil {
			problems = append(problems, fmt.Sprintf("looking for secrets under %s: %v", dir, err))
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// AssertNoSecretsIn fails t when text, named by what (such as "the output of mcptray logs"),
// holds one of secrets in any of the forms AssertNoSecrets looks for.
func AssertNoSecretsIn(t testing.TB, secrets []string, what, text string) {
	t.Helper()
	if i, form := findSecret([]byte(text), secrets); i >= 0 {
		t.Errorf("%s holds secret #%d (%s)", what, i+1, form)
	}
}

// findSecret returns the index of the first secret found in content and a word for the form
// it was found in, or -1.
func findSecret(content []byte, secrets []string) (int, string) {
	for i, s := range secrets {
		if s == "" {
			continue
		}
		if bytes.Contains(content, []byte(s)) {
			return i, "as it is"
		}
		for _, f := range redact.Forms(s) {
			if bytes.Contains(content, []byte(f)) {
				return i, "encoded"
			}
		}
		if t := strings.TrimSpace(s); t != s && t != "" && bytes.Contains(content, []byte(t)) {
			return i, "trimmed"
		}
	}
	// A JSON string may spell a secret with any mix of escapes (\/, \u0041): decode each.
	for _, lit := range quotedRE.FindAll(content, -1) {
		var v string
		if json.Unmarshal(lit, &v) != nil {
			continue
		}
		for i, s := range secrets {
			if s != "" && strings.Contains(v, s) {
				return i, "in a JSON string"
			}
		}
	}
	return -1, ""
}

// quotedRE matches a double-quoted string with JSON-style escapes.
var quotedRE = regexp.MustCompile(`"(?:[^"\\\n]|\\.)*"`)
