package daemon

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
)

func TestProbeListsToolsThroughTheRelayAndPinsThem(t *testing.T) {
	h := start(t)
	h.add(t, "f", &config.Server{Command: fake})
	h.waitFor(t, "f runs", func(st StatusResult) bool { return len(st.Servers) == 1 && st.Servers[0].State.String() == "running" })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var res ToolsResult
	if err := h.client.Call(ctx, "probe", ProbeParams{Server: "f"}, &res); err != nil {
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
	var pol PolicyListResult
	if err := h.client.Call(ctx, "policy.list", NameParams{Name: "f"}, &pol); err != nil || len(pol.Tools) != len(names) {
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
	h.waitFor(t, "dies is known", func(st StatusResult) bool { return len(st.Servers) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := h.client.Call(ctx, "probe", ProbeParams{Server: "dies"}, nil)
	if err == nil || !strings.Contains(err.Error(), "stopped before it listed its tools") {
		t.Errorf("probe of a server that exits: %v", err)
	}
	if err := h.client.Call(ctx, "probe", ProbeParams{Server: "nope"}, nil); err == nil || !strings.Contains(err.Error(), "no server named") {
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
	if err := h.client.Call(ctx, "catalog.list", installer.ListParams{Query: "files"}, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Entries) == 0 || list.Entries[0].ID != "filesystem" || list.Registry != installer.RegistryOff {
		t.Fatalf("catalog.list files: registry %q, %+v", list.Registry, list.Entries)
	}
	// An answer that does not fit fails at the first step; the stream still ends cleanly
	// with the failed line.
	var lines []installer.Progress
	err := h.client.Stream(ctx, "install", installer.Request{ID: "filesystem", Values: map[string]string{"allowed_directory": "not/absolute"}},
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
