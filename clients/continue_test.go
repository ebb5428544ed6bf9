package clients

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestContinueLeavesConfigJSONInCharge: with only config.json, MCP Tray must not create a
// config.yaml (Continue would then ignore config.json and with it the person's models and
// keys); its servers go into a block file that Continue's schema accepts.
func TestContinueLeavesConfigJSONInCharge(t *testing.T) {
	env, home := fakeEnv(t, "darwin")
	configJSON := filepath.Join(home, ".continue", "config.json")
	writeFile(t, configJSON, []byte(`{"models": [{"title": "GPT", "provider": "openai", "apiKey": "sk-x"}]}`))
	c := mustClient(t, "continue")
	d := Detect(env)
	if len(d) != 1 || d[0].Client != c {
		t.Fatalf("Detect = %+v, want Continue", d)
	}
	path := d[0].Files[0].Path
	if want := filepath.Join(home, ".continue", "mcpServers", "mcptray.yaml"); path != want {
		t.Fatalf("Continue's file is %s, want the block file %s", path, want)
	}
	if _, err := Apply(c, path, goldenWant("x"), ApplyOptions{Backups: backupsOf(home)}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, ".continue", "config.yaml")); err == nil {
		t.Errorf("MCP Tray created a config.yaml beside config.json")
	}
	var block struct {
		Name, Version, Schema string
		MCPServers            []struct {
			Name, Command string
			Args          []string
		} `yaml:"mcpServers"`
	}
	if err := yaml.Unmarshal(mustRead(t, path), &block); err != nil {
		t.Fatal(err)
	}
	if block.Name == "" || block.Version == "" || block.Schema != "v1" || len(block.MCPServers) != 2 {
		t.Errorf("the block file is %+v; Continue needs name, version, schema v1 and the servers", block)
	}
	// Once the person has a config.yaml, that is the file.
	writeFile(t, filepath.Join(home, ".continue", "config.yaml"), []byte("name: Mine\nversion: 0.0.1\n"))
	if got := c.Paths(env)[0]; got != filepath.Join(home, ".continue", "config.yaml") {
		t.Errorf("with config.yaml present Continue's file is %s", got)
	}
}
