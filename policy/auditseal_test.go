package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/keychain"
)

var testAuditKey = bytes.Repeat([]byte{7}, 32)

// writeSealed writes n records with the key and closes the log.
func writeSealed(t *testing.T, dir string, key []byte, n int) {
	t.Helper()
	l, err := OpenAudit(dir, AuditOptions{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		d := Decision{Outcome: Allowed, DecidedBy: ByPerson, Answer: AllowOnce}
		if i%2 == 1 {
			d = Decision{Outcome: Denied, DecidedBy: ByPerson, Answer: Deny}
		}
		if err := l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "write_file"}, Decision: d, Outcome: CallOK}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// rechain is what a program running as the person can do without the key: rewrite the
// records with edit, recompute every "prev" and write head.json to match the new end, as
// MCP Tray would have (sealed with a key of its own choosing when forge is not nil).
func rechain(t *testing.T, dir string, edit func([]map[string]any) []map[string]any, forge []byte) {
	t.Helper()
	files, _ := auditFiles(dir)
	if len(files) != 1 {
		t.Fatalf("audit files: %v", files)
	}
	b, _ := os.ReadFile(filepath.Join(dir, files[0]))
	var recs []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte{'\n'}) {
		var m map[string]any
		json.Unmarshal(line, &m)
		recs = append(recs, m)
	}
	recs = edit(recs)
	var out []byte
	prev := AuditGenesis
	for _, r := range recs {
		r["prev"] = prev
		line, _ := json.Marshal(r)
		out = append(append(out, line...), '\n')
		prev = lineHash(line)
	}
	os.WriteFile(filepath.Join(dir, files[0]), out, 0o600)
	h := auditHead{File: files[0], Line: len(recs), Seq: uint64(recs[len(recs)-1]["seq"].(float64)), Hash: prev, Time: time.Now().UTC()}
	if forge != nil {
		h.MAC = h.mac(forge)
	}
	hb, _ := json.Marshal(h)
	os.WriteFile(filepath.Join(dir, auditHeadFile), hb, 0o600)
}

func verifyWithKey(t *testing.T, dir string, key []byte) AuditReport {
	t.Helper()
	rep, err := VerifyWith(dir, VerifyOptions{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSealedHeadCatchesTruncationAndRechaining(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func([]map[string]any) []map[string]any
		forge []byte
	}{
		{"newest records dropped", func(r []map[string]any) []map[string]any { return r[:len(r)-2] }, nil},
		{"newest records dropped, head sealed with another key", func(r []map[string]any) []map[string]any { return r[:len(r)-2] }, bytes.Repeat([]byte{8}, 32)},
		{"a decision flipped and the chain recomputed", func(r []map[string]any) []map[string]any {
			r[1]["decision"], r[1]["answer"] = "allowed", "allow once"
			return r
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSealed(t, dir, testAuditKey, 5)
			if rep := verifyWithKey(t, dir, testAuditKey); !rep.OK || !rep.EndChecked || rep.SealedAt.IsZero() {
				t.Fatalf("the untouched log: %+v", rep)
			}
			rechain(t, dir, tc.edit, tc.forge)
			// The chain alone cannot tell: that is the attack.
			if rep, _ := Verify(dir); !rep.OK {
				t.Fatalf("the re-chained log fails even without the key (%s): the test does not model the attack", rep.Problem)
			}
			rep := verifyWithKey(t, dir, testAuditKey)
			if rep.OK || rep.File != auditHeadFile || !strings.Contains(rep.Problem, "not sealed") {
				t.Errorf("with the key: %+v, want the head mark named as not sealed by MCP Tray", rep)
			}
		})
	}
}

func TestSealStates(t *testing.T) {
	notFound := &keychain.OpError{Op: "reading", Err: keychain.ErrNotFound}
	unavailable := &keychain.OpError{Op: "reading", Err: keychain.ErrUnavailable}

	// A log written before heads were sealed: not sealed yet, and the next write seals it.
	dir := t.TempDir()
	writeSealed(t, dir, nil, 3)
	if rep, _ := VerifyWith(dir, VerifyOptions{KeyErr: notFound}); !rep.OK || rep.EndChecked || rep.Note != noteNotSealed {
		t.Fatalf("an old log, no key yet: %+v", rep)
	}
	l, err := OpenAudit(dir, AuditOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetKey(testAuditKey); err != nil { // the keychain answered: seal at once
		t.Fatal(err)
	}
	if rep := verifyWithKey(t, dir, testAuditKey); !rep.OK || !rep.EndChecked {
		t.Fatalf("after SetKey on an old log: %+v", rep)
	}
	if err := l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "t"}, Outcome: CallOK}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if rep := verifyWithKey(t, dir, testAuditKey); !rep.OK || !rep.EndChecked || rep.Lines != 4 {
		t.Fatalf("after a sealed write: %+v", rep)
	}

	// Without the key, a sealed head is never replaced by an unsealed one: the new lines
	// show as unsealed instead.
	l, _ = OpenAudit(dir, AuditOptions{SyncEvery: -1})
	l.Append(AuditEntry{Call: Call{Server: "fs", Tool: "t"}, Outcome: CallOK})
	l.Close()
	if rep := verifyWithKey(t, dir, testAuditKey); !rep.OK || rep.Unsealed != 1 {
		t.Fatalf("a write without the key: %+v, want OK with 1 unsealed line", rep)
	}

	// The keychain cannot be read: only the chain is checked, and the report says so.
	if rep, _ := VerifyWith(dir, VerifyOptions{KeyErr: unavailable}); !rep.OK || rep.EndChecked || rep.Note != noteNoKeychain {
		t.Errorf("no keychain: %+v", rep)
	}
	// The key was deleted from the keychain while the log is sealed.
	if rep, _ := VerifyWith(dir, VerifyOptions{KeyErr: notFound}); rep.OK || !strings.Contains(rep.Problem, "not in the keychain") {
		t.Errorf("key gone: %+v", rep)
	}
	// head.json rewritten without a seal, though MCP Tray has a key: a downgrade.
	b, _ := os.ReadFile(filepath.Join(dir, auditHeadFile))
	var h auditHead
	json.Unmarshal(b, &h)
	h.MAC = ""
	b, _ = json.Marshal(h)
	os.WriteFile(filepath.Join(dir, auditHeadFile), b, 0o600)
	if rep := verifyWithKey(t, dir, testAuditKey); rep.OK || !strings.Contains(rep.Problem, "not sealed") {
		t.Errorf("unsealed head with a key: %+v", rep)
	}
}

func TestAuditKeyLivesInTheKeychain(t *testing.T) {
	store := keychain.NewMemory()
	ctx := context.Background()
	a, b := t.TempDir(), t.TempDir()
	if _, err := AuditKey(ctx, store, a, false); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("reading a key never made: %v, want ErrNotFound", err)
	}
	ka, err := AuditKey(ctx, store, a, true)
	if err != nil || len(ka) != 32 {
		t.Fatalf("making the key: %d bytes, %v", len(ka), err)
	}
	again, err := AuditKey(ctx, store, a+string(filepath.Separator), false)
	if err != nil || !bytes.Equal(again, ka) {
		t.Fatalf("reading the key back: %v", err)
	}
	kb, _ := AuditKey(ctx, store, b, true)
	if bytes.Equal(ka, kb) {
		t.Error("two audit directories share one key")
	}
	// The item cannot be mistaken for a server's secret: its server name has spaces.
	if server, key := auditKeyName(a); !strings.Contains(server, " ") {
		t.Errorf("the key's server name %q could be a configured server's", server)
	} else if _, err := store.Get(ctx, server, key); err != nil {
		t.Errorf("the key is not where AuditKey says: %v", err)
	}
}
