package daemon

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
)

// BenchmarkServerDetails: what the Servers tab asks for each time a server changes state
// (config, plus each warm spare's memory from /proc), next to the plain status call the tray
// makes, with ten running servers, over the real socket.
func BenchmarkServerDetails(b *testing.B) {
	home := config.Home(filepath.Join(b.TempDir(), "home"))
	home.Update(func(c *config.Config) error {
		for i := range 10 {
			c.Servers[fmt.Sprintf("s%d", i)] = &config.Server{Command: fake}
		}
		return nil
	})
	d, err := New(Options{Home: home})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	client := &control.Client{Path: home.SocketPath()}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st api.StatusResult
		running := 0
		if callInto(ctx, client, api.Status, api.None{}, &st) == nil {
			for _, s := range st.Servers {
				if s.Pid > 0 {
					running++
				}
			}
		}
		if running == 10 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("only %d of 10 servers started", running)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, method := range []string{api.Status.Name, api.ServersDetails.Name} {
		b.Run(method, func(b *testing.B) {
			for b.Loop() {
				if err := client.Call(ctx, method, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
