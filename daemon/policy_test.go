package daemon

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// startWithKeys is start with a keychain.
func startWithKeys(t *testing.T, home config.Home, keys keychain.Store) *harness {
	t.Helper()
	d, err := New(Options{Home: home, Version: "test", Keys: keys,
		Ladder: supervisor.Ladder{StdinGrace: 200 * time.Millisecond, TermGrace: 200 * time.Millisecond, KillGrace: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{home: home, client: &control.Client{Path: home.SocketPath()}, done: make(chan error, 1), cancel: cancel}
	go func() { h.done <- d.Run(ctx) }()
	t.Cleanup(func() { h.stopQuiet(t) })
	h.waitFor(t, "the daemon answers", func(api.StatusResult) bool { return true })
	return h
}

// A log written before MCP Tray sealed its head is sealed with a key from the keychain as soon
// as the daemon has read it; audit verify then checks the end of the log.
func TestDaemonSealsTheAuditLogWithAKeyFromTheKeychain(t *testing.T) {
	home := config.Home(filepath.Join(t.TempDir(), "home"))
	if err := home.Ensure(); err != nil {
		t.Fatal(err)
	}
	old, err := policy.OpenAudit(home.AuditDir(), policy.AuditOptions{})
	if err != nil {
		t.Fatal(err)
	}
	old.Append(policy.AuditEntry{Call: policy.Call{Server: "fs", Tool: "write_file"}, Decision: policy.Decision{Outcome: policy.Denied, DecidedBy: policy.ByPerson}, Outcome: policy.CallNotRun})
	old.Close()
	keys := keychain.NewMemory()
	if _, err := policy.AuditKey(context.Background(), keys, home.AuditDir(), false); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("a key before the daemon ran: %v", err)
	}
	if rep, _ := policy.VerifyWith(home.AuditDir(), policy.VerifyOptions{KeyErr: &keychain.OpError{Err: keychain.ErrNotFound}}); !rep.OK || rep.EndChecked || !strings.Contains(rep.Note, "not sealed yet") {
		t.Fatalf("an old log: %+v", rep)
	}
	h := startWithKeys(t, home, keys)
	var key []byte
	deadline := time.Now().Add(10 * time.Second)
	for {
		key, err = policy.AuditKey(context.Background(), keys, home.AuditDir(), false)
		if err == nil {
			if rep, _ := policy.VerifyWith(home.AuditDir(), policy.VerifyOptions{Key: key}); rep.EndChecked {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the daemon did not seal the audit log with a key from the keychain (key: %v)", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.stop()
	if rep, _ := policy.VerifyWith(home.AuditDir(), policy.VerifyOptions{Key: key}); !rep.OK || !rep.EndChecked {
		t.Errorf("after the daemon stopped: %+v", rep)
	}
}

func TestPolicyMethods(t *testing.T) {
	h := start(t)
	h.add(t, "fs", &config.Server{Command: fake})
	ctx := context.Background()
	// Accepting a changed tool names the reviewed definition.
	_, err := api.Call(ctx, h.client, api.PolicyAccept, api.ToolParams{Name: "fs", Tool: "echo"})
	if !errors.Is(err, api.ErrBadRequest) || !strings.Contains(err.Error(), "mcptray policy review SERVER TOOL") {
		t.Errorf("policy.accept without a fingerprint: %v", err)
	}
	// A page of approvals says how many wait in all.
	page, err := api.Call(ctx, h.client, api.Approvals, api.ApprovalsParams{Offset: 5})
	if err != nil || page.Approvals == nil || page.Total != 0 || page.Offset != 5 {
		t.Errorf("approvals: %+v %v", page, err)
	}
	if _, err := api.Call(ctx, h.client, api.ApprovalGet, api.ApprovalParams{ID: "nope"}); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("approval.get of an unknown id: %v", err)
	}
	// Trust goes through the daemon, on and off.
	for _, on := range []bool{true, false} {
		if _, err := api.Call(ctx, h.client, api.PolicyTrust, api.TrustParams{Name: "fs", Trust: on}); err != nil {
			t.Fatal(err)
		}
		cfg, err := h.home.Load()
		if err != nil {
			t.Fatal(err)
		}
		if p := cfg.Servers["fs"].Policy; p == nil || p.Trust != on {
			t.Errorf("after policy.trust %v: %+v", on, p)
		}
	}
	if _, err := api.Call(ctx, h.client, api.PolicyTrust, api.TrustParams{Name: "nope", Trust: false}); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("policy.trust of an unknown server: %v", err)
	}
}
