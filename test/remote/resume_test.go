package remote

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestBrokenAnswerStreamIsResumed: the SDK's SSE polling server closes a tool call's answer
// stream on purpose half way (after giving its events ids and a retry delay) and finishes
// the call while nobody listens. Through mcptray connect the AI app still gets the answer:
// MCP Tray resumes the stream with GET and Last-Event-ID, and its log says so.
func TestBrokenAnswerStreamIsResumed(t *testing.T) {
	port := startExample(t, "ssePollingExample.js", nil)
	u := testbin.NewUser(t)
	u.OK("server", "add", "poll", "--url", fmt.Sprintf("http://127.0.0.1:%d/mcp", port), "--transport", "http")
	u.OK("policy", "set", "poll", "long-task", "allow")
	u.Daemon()
	u.WaitRunning("poll")
	c := bridge(t, u, "poll")
	text, err := callText(t, c, "long-task", map[string]any{})
	if err != nil || !strings.Contains(text, "Long task completed successfully") {
		logs, _, _ := u.Run("logs", "poll")
		t.Fatalf("long-task: %q, %v\n%s", text, err, logs)
	}
	if logs, _, _ := u.Run("logs", "poll"); !strings.Contains(logs, "resuming it") {
		t.Fatalf("the log does not show the answer stream was resumed:\n%s", logs)
	}
}
