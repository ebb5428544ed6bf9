package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
)

func TestProbeListsToolsThroughTheRelayAndPinsThem(t *testing.T) {
	h := start(t)
	h.add(t, "f", &config.Server{Command: fake})
	h.waitFor(t, "f runs", func(st api.StatusResult) bool {
		return len(st.Servers) == 1 && st.Servers[0].State.String() == "running"
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var res api.ToolsResult
	if err := callInto(ctx, h.client, api.Probe, api.ProbeParams{Server: "f"}, &res); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	if !slices.Contains(names, "echo") || !slices.Contains(names, "write_note") {
		t.Errorf("probe listed %v; want the fake server's tools", names)
	}
	// The relay recorded and pinned them, as for any client.
	var pol api.PolicyListResult
	if err := callInto(ctx, h.client, api.PolicyList, api.NameParams{Name: "f"}, &pol); err != nil || len(pol.Tools) != len(names) {
		t.Errorf("policy knows %d tools after the probe (err %v); want %d", len(pol.Tools), err, len(names))
	}
	pins, err := os.ReadFile(string(h.home) + "/pins.json")
	if err != nil || !strings.Contains(string(pins), `"echo"`) {
		t.Errorf("pins.json after the probe: %s (err %v)", pins, err)
	}
}

func TestProbeOfAServerThatExitsSaysSo(t *testing.T) {
	h := start(t)
	h.add(t, "dies", &config.Server{Command: fake, Args: []string{"-exit-now", "3"}, NoSpare: true})
	h.waitFor(t, "dies is known", func(st api.StatusResult) bool { return len(st.Servers) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := callInto(ctx, h.client, api.Probe, api.ProbeParams{Server: "dies"}, nil)
	if err == nil || !strings.Contains(err.Error(), "stopped before it listed its tools") {
		t.Errorf("probe of a server that exits: %v", err)
	}
	if _, err := api.Call(ctx, h.client, api.Probe, api.ProbeParams{Server: "nope"}); !errors.Is(err, api.ErrNotFound) || !strings.Contains(err.Error(), "no server named") {
		t.Errorf("probe of an unknown server: %v", err)
	}
}

func TestCatalogListAndAFailedInstallStream(t *testing.T) {
	h := start(t)
	if err := h.home.Update(func(c *config.Config) error { c.Settings.RegistryURL = "off"; return nil }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var list installer.ListResult
	if err := callInto(ctx, h.client, api.CatalogList, installer.ListParams{Query: "files"}, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Entries) == 0 || list.Entries[0].ID != "filesystem" || list.Registry != installer.RegistryOff {
		t.Fatalf("catalog.list files: registry %q, %+v", list.Registry, list.Entries)
	}
	// An answer that does not fit fails at the first step; the stream still ends cleanly
	// with the failed line.
	var lines []installer.Progress
	err := h.client.Stream(ctx, api.Install.Name, installer.Request{ID: "filesystem", Values: map[string]string{"allowed_directory": "not/absolute"}},
		func(raw json.RawMessage) error {
			var p installer.Progress
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			lines = append(lines, p)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Step != installer.StepChecking || lines[1].Step != installer.StepFailed || !strings.Contains(lines[1].Message, "full path") {
		t.Errorf("install lines: %+v", lines)
	}
}

// The window's catalog search (catalog.list) ranks the registry's answers as catalog.Search
// does: the registry matches "github" inside every "io.github.…" name, and those entries stay
// out; what is about GitHub comes first.
func TestCatalogListSearchSkipsTheRegistryNamespace(t *testing.T) {
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v0.1/servers" {
			http.NotFound(w, r)
			return
		}
		// Like the official registry: a case-insensitive substring of the name.
		q := strings.ToLower(r.URL.Query().Get("search"))
		var items []string
		for _, s := range []struct{ name, desc string }{
			{"io.github.example/weather", "Forecasts for any city."},
			{"io.github.someone/notes", "Keeps notes."},
			{"io.github.someone/issues-mcp", "Reads GitHub issues and pull requests."},
		} {
			if !strings.Contains(s.name, q) {
				continue
			}
			id := s.name[strings.LastIndex(s.name, "/")+1:]
			items = append(items, `{"server": {"name": "`+s.name+`", "description": "`+s.desc+`", "version": "1.0.0",
				"packages": [{"registryType": "npm", "identifier": "`+id+`", "version": "1.0.0", "transport": {"type": "stdio"}}]},
				"_meta": {"io.modelcontextprotocol.registry/official": {"status": "active", "isLatest": true}}}`)
		}
		fmt.Fprintf(w, `{"servers": [%s], "metadata": {"count": %d}}`, strings.Join(items, ","), len(items))
	}))
	defer reg.Close()
	h := start(t)
	if err := h.home.Update(func(c *config.Config) error { c.Settings.RegistryURL = reg.URL; return nil }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var list installer.ListResult
	if err := callInto(ctx, h.client, api.CatalogList, installer.ListParams{Query: "GitHub"}, &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range list.Entries {
		ids = append(ids, e.ID)
	}
	if list.Registry != installer.RegistryLive || len(ids) == 0 || ids[0] != "github" {
		t.Fatalf("catalog.list GitHub: registry %q, %v; want the built-in github entry first", list.Registry, ids)
	}
	if !slices.Contains(ids, "io.github.someone/issues-mcp") {
		t.Errorf("catalog.list GitHub: %v; want the registry entry about GitHub issues", ids)
	}
	for _, id := range []string{"io.github.example/weather", "io.github.someone/notes"} {
		if slices.Contains(ids, id) {
			t.Errorf("catalog.list GitHub: %v lists %s, which only has github in its namespace", ids, id)
		}
	}
}
