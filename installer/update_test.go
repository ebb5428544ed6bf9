package installer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// installedFilesystem is a config.json with filesystem installed at an older version, with
// or without the answers recorded (servers installed by earlier MCP Tray versions have none).
func installedFilesystem(dir string, recorded bool) string {
	values := ""
	if recorded {
		values = fmt.Sprintf(`, "values": {"allowed_directory": %q}`, dir)
	}
	return fmt.Sprintf(`{"settings": {"registryURL": "off"}, "servers": {"files": {
  "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", %q],
  "policy": {"tools": {"write_file": "deny"}},
  "source": {"catalog": "filesystem", "version": "2025.8.21"%s}}}}`, dir, values)
}

func TestUpdateMovesToTheCatalogVersionAndKeepsSettings(t *testing.T) {
	for _, recorded := range []bool{true, false} {
		t.Run(fmt.Sprintf("answers recorded %v", recorded), func(t *testing.T) {
			dir := t.TempDir()
			in, rt, _ := setup(t, installedFilesystem(dir, recorded))
			res, err := in.Source.Outdated(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			ver := pinnedVersion(t, "filesystem")
			want := []Outdated{{Server: "files", ID: "filesystem", Title: "Filesystem", Installed: "2025.8.21", Latest: ver, Origin: "built-in"}}
			if diff := cmp.Diff(want, res.Servers, cmp.AllowUnexported(Outdated{}), cmpIgnoreEntry); diff != "" || res.Registry != RegistryOff {
				t.Errorf("outdated (registry %q) (-want +got):\n%s", res.Registry, diff)
			}
			rt.blocked = []string{"read_text_file"}
			var lines []Progress
			if _, err := in.Update(context.Background(), UpdateParams{Server: "files"}, func(p Progress) { lines = append(lines, p) }); err != nil {
				t.Fatal(err)
			}
			s := load(t, in).Servers["files"]
			if diff := cmp.Diff([]string{"-y", "@modelcontextprotocol/server-filesystem@" + ver, dir}, s.Args); diff != "" || s.Source.Version != ver {
				t.Errorf("after update: version %q, args (-want +got):\n%s", s.Source.Version, diff)
			}
			if s.Policy == nil || s.Policy.Tools["write_file"] != "deny" {
				t.Errorf("the person's policy was lost: %+v", s.Policy)
			}
			last := lines[len(lines)-1]
			if last.Step != StepDone || !strings.Contains(last.Message, "stay blocked until you review them: read_text_file (mcptray policy review files read_text_file)") {
				t.Errorf("done line: %+v", last)
			}
		})
	}
}

func TestUpdateThatDoesNotStartPutsTheOldVersionBack(t *testing.T) {
	dir := t.TempDir()
	in, rt, _ := setup(t, installedFilesystem(dir, true))
	before := load(t, in).Servers["files"]
	rt.probe = func(context.Context, string) ([]string, error) {
		return nil, errors.New("the server stopped before it listed its tools")
	}
	var last Progress
	_, err := in.Update(context.Background(), UpdateParams{Server: "files"}, func(p Progress) { last = p })
	if err == nil || last.Step != StepFailed || !strings.Contains(last.Message, "files stays at version 2025.8.21") {
		t.Fatalf("failed update: %v, %+v", err, last)
	}
	if after := load(t, in).Servers["files"]; !after.Equal(before) {
		t.Errorf("the server was not put back as it was: %+v", after)
	}
}

func TestUpdateOfAnUpToDateOrUnknownServer(t *testing.T) {
	in, _, _ := setup(t, `{"settings": {"registryURL": "off"}, "servers": {"mine": {"command": "x"}}}`)
	var last Progress
	if _, err := in.Update(context.Background(), UpdateParams{Server: "mine"}, func(p Progress) { last = p }); err == nil || !strings.Contains(last.Message, "was not installed from the catalog") {
		t.Errorf("update of a hand-made server: %v, %q", err, last.Message)
	}
	if _, err := in.Update(context.Background(), UpdateParams{Server: "nope"}, func(p Progress) { last = p }); err == nil || !strings.Contains(last.Message, `no server named "nope"`) {
		t.Errorf("update of a missing server: %v, %q", err, last.Message)
	}
}
