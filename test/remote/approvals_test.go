package remote

import (
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mcptray/mcptray/internal/testbin"
)

type approval struct {
	ID   string `json:"id"`
	Tool string `json:"tool"`
}

func pending(u *testbin.User) []approval {
	var res struct{ Approvals []approval }
	json.Unmarshal([]byte(u.OK("approvals", "--json")), &res)
	return res.Approvals
}

type callResult struct {
	text string
	err  error
}

// approvedCall calls tool through c, which the policy holds for the person: it waits until
// the call is waiting for approval, checks it is tool, approves it from the person's
// terminal and returns the result.
func approvedCall(t *testing.T, u *testbin.User, c *client.Client, tool string, args map[string]any) (string, error) {
	t.Helper()
	ch := make(chan callResult, 1)
	go func() {
		text, err := callText(t, c, tool, args)
		ch <- callResult{text, err}
	}()
	var ap []approval
	u.UntilApprovals("the call waits for approval", func() bool { ap = pending(u); return len(ap) == 1 })
	if ap[0].Tool != tool {
		t.Fatalf("waiting for approval: %+v, want %s", ap[0], tool)
	}
	select {
	case r := <-ch:
		t.Fatalf("the call ran before it was approved: %q, %v", r.text, r.err)
	default:
	}
	u.OK("approve", ap[0].ID)
	r := <-ch
	return r.text, r.err
}
