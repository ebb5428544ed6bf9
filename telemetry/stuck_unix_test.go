//go:build unix

package telemetry

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
)

// A helper that stops reading never holds a call: past the queue, calls are dropped and
// counted, and Shutdown with a deadline kills the helper.
func TestStuckHelperNeverBlocks(t *testing.T) {
	stuck := filepath.Join(t.TempDir(), HelperName)
	if err := os.WriteFile(stuck, []byte("#!/bin/sh\nexec sleep 600\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tel := startTel(t, &config.Telemetry{Enabled: true, Endpoint: "http://127.0.0.1:1"}, &Options{Helper: stuck, Log: (&logBuf{}).logger()})
	for i := 0; tel.Dropped() == 0; i++ {
		if i > 10*queueSize+1<<20 {
			t.Fatal("nothing was dropped")
		}
		tel.StartCall(time.Now(), "", CallInfo{Server: "a-server-name", Tool: "a-tool-name-long-enough-to-fill-a-pipe"}).End("allowed", "rule", "ok", 0, 0)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := tel.Shutdown(ctx); err == nil {
		t.Fatal("a helper that read nothing finished in time")
	}
	if tel.feeder.pid() != 0 {
		t.Fatal("the helper is left after Shutdown")
	}
}
