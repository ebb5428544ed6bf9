package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeV1Pins writes a pins.json as MCP Tray wrote it before version 2: the four old fields,
// and their fingerprint.
func writeV1Pins(t *testing.T, path, server, raw string) {
	t.Helper()
	tool := mustTool(t, raw)
	var top map[string]json.RawMessage
	json.Unmarshal(tool.Definition, &top)
	def := definitionOf(top, legacyFields)
	f := map[string]any{"version": 1, "servers": map[string]any{server: map[string]any{tool.Name: map[string]any{
		"fingerprint": tool.LegacyFingerprint, "definition": json.RawMessage(def), "pinned_at": "2026-01-01T00:00:00Z"}}}}
	b, _ := json.Marshal(f)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A pin recorded before the whole definition was pinned must not block every tool after an
// upgrade: when the old four fields still match, the pin is carried over silently, and from
// then on a change to any other field is caught.
func TestVersion1PinsCarryOverWhenTheToolIsUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pins.json")
	writeV1Pins(t, path, "fs", writeTool)
	e := openTestPins(t, path)
	obs, err := e.ObserveTools("fs", raws(writeTool), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs.Changed) != 0 || len(obs.New) != 0 || e.Hidden("fs", "write_file") {
		t.Fatalf("an unchanged tool with a version 1 pin: %+v", obs)
	}
	b, _ := os.ReadFile(path)
	var f pinFile
	json.Unmarshal(b, &f)
	if p := f.Servers["fs"]["write_file"]; f.Version != pinFileVersion || p == nil || p.Scheme != pinWhole || p.Fingerprint != mustTool(t, writeTool).Fingerprint {
		t.Fatalf("the pin was not carried over to the whole definition: %s", b)
	}
	e = openTestPins(t, path)
	if obs, _ := e.ObserveTools("fs", raws(writeToolExtraFields), true); len(obs.Changed) != 1 {
		t.Errorf("after the upgrade a title/_meta change went unnoticed: %+v", obs)
	}
}

func TestVersion1PinsStillCatchAChangeOfTheOldFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pins.json")
	writeV1Pins(t, path, "fs", writeTool)
	e := openTestPins(t, path)
	obs, _ := e.ObserveTools("fs", raws(writeToolNewDescription), true)
	if len(obs.Changed) != 1 || !e.Hidden("fs", "write_file") {
		t.Fatalf("a changed description slipped past a version 1 pin: %+v", obs)
	}
	rev, err := e.ReviewPin("fs", "write_file")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.AcceptPin("fs", "write_file", rev.NewFingerprint); err != nil {
		t.Fatal(err)
	}
	if obs, _ := e.ObserveTools("fs", raws(writeToolNewDescription), true); len(obs.Changed) != 0 || e.Hidden("fs", "write_file") {
		t.Errorf("the accepted definition is still blocked: %+v", obs)
	}
}

// A secret inside a tool definition never reaches pins.json, neither in the pin nor in a
// pending change, and a secret learnt after the pin was made is taken out at the next save.
func TestPinsHoldNoSecretValues(t *testing.T) {
	const secret = "sk-live-7f3a9c2e5b"
	known := map[string]string{}
	redact := func(b []byte) []byte {
		s := string(b)
		for k, v := range known {
			s = strings.ReplaceAll(s, v, "[redacted:"+k+"]")
		}
		return []byte(s)
	}
	path := filepath.Join(t.TempDir(), "pins.json")
	pins, err := OpenPins(path, PinOptions{Redact: redact})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(EngineOptions{Pins: pins})
	withSecret := `{"name":"q","description":"Query with token ` + secret + `."}`
	e.ObserveTools("db", raws(withSecret), true)
	known["TOKEN"] = secret
	changed := `{"name":"q","description":"Query with token ` + secret + ` and more."}`
	if obs, _ := e.ObserveTools("db", raws(changed), true); len(obs.Changed) != 1 {
		t.Fatalf("the change was not caught: %+v", obs)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), secret) {
		t.Fatalf("pins.json holds the secret:\n%s", b)
	}
	if !strings.Contains(string(b), "[redacted:TOKEN]") {
		t.Fatalf("pins.json lost the definition:\n%s", b)
	}
	rev, _ := e.ReviewPin("db", "q")
	if strings.Contains(string(rev.Old)+string(rev.New), secret) {
		t.Errorf("the review shows the secret: %s / %s", rev.Old, rev.New)
	}
	// The fingerprint is still of the real definition: the same tool is not a change.
	if obs, _ := e.ObserveTools("db", raws(withSecret), true); len(obs.Changed) != 0 {
		t.Errorf("the pinned definition counts as changed: %+v", obs)
	}
}
