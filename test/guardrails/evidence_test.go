package guardrails

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/evidence/evidencetest"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/telemetry/telemetrytest"
)

// Audit records reach a syslog receiver on 127.0.0.1 and a JSON-lines file as they are
// written, each with its chain hash; `audit export` gives them to an auditor as JSON lines
// (exactly as written) and as CSV.
func TestAuditForwardedAndExported(t *testing.T) {
	addr, msgs := evidencetest.Syslog(t)
	u := testbin.NewUser(t)
	shipped := filepath.Join(u.Dir, "audit-for-siem.jsonl")
	writeSettings(t, u, map[string]any{"auditForward": map[string]any{"syslog": addr, "file": shipped}})
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	u.Daemon()
	u.WaitRunning("fake")
	b := connect(t, u, "fake")
	for i := 1; i <= 2; i++ {
		b.call(t, i, "echo", `{"text":"hi"}`)
		b.answer(t, i)
	}
	var got []string
	for len(got) < 2 {
		select {
		case m := <-msgs:
			got = append(got, m)
		case <-time.After(30 * time.Second):
			t.Fatalf("the syslog receiver got %d messages", len(got))
		}
	}
	u.Eventually("the audit log has both calls", func() bool { return strings.Count(audit(u), "\n") >= 2 })
	lines := strings.Split(strings.TrimSpace(audit(u)), "\n")
	for i, m := range got {
		want := `[mcptray@32473 seq="` + strconv.Itoa(i+1) + `" hash="` + sha(lines[i]) + `"] ` + lines[i]
		if !strings.HasPrefix(m, "<110>1 ") || !strings.HasSuffix(m, want) {
			t.Errorf("syslog message %d:\n got %s\nwant …%s", i+1, m, want)
		}
	}
	u.Eventually("the shipped file has both records", func() bool {
		b, _ := os.ReadFile(shipped)
		return bytes.Count(b, []byte{'\n'}) == 2
	})
	b2, _ := os.ReadFile(shipped)
	for i, l := range strings.Split(strings.TrimSpace(string(b2)), "\n") {
		var x struct {
			Hash   string
			Record json.RawMessage
		}
		if json.Unmarshal([]byte(l), &x) != nil || x.Hash != sha(lines[i]) || string(x.Record) != lines[i] {
			t.Errorf("shipped line %d: %s", i+1, l)
		}
	}

	if out := u.OK("audit", "export", "--since", "24h"); out != strings.Join(lines, "\n")+"\n" {
		t.Errorf("audit export:\n%s\nwant the lines as written:\n%s", out, strings.Join(lines, "\n"))
	}
	rows, err := csv.NewReader(strings.NewReader(u.OK("audit", "export", "--format", "csv"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "seq" || rows[2][len(rows[2])-1] != sha(lines[1]) || rows[2][len(rows[2])-2] != sha(lines[0]) {
		t.Errorf("audit export --format csv: %q (%v)", rows, err)
	}
}

// A signed daily file that was changed fails `mcptray audit verify` (the key from a real
// Secret Service). Yesterday's file is written first, unsigned; MCP Tray signs it once it
// has the key and moves on to today's.
func TestTamperedSignedFileFailsVerify(t *testing.T) {
	u := testbin.NewUser(t)
	dir := filepath.Join(u.Home, "audit")
	yesterday := time.Now().Add(-24 * time.Hour)
	l, err := policy.OpenAudit(dir, policy.AuditOptions{Now: func() time.Time { return yesterday }})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		l.Append(policy.AuditEntry{Call: policy.Call{Server: "fake", Tool: "echo"}, Decision: policy.Decision{Outcome: policy.Allowed, DecidedBy: policy.ByRule}, Outcome: policy.CallOK})
	}
	l.Close()
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	d := u.Daemon()
	u.WaitRunning("fake")
	b := connect(t, u, "fake")
	b.call(t, 1, "echo", `{"text":"today"}`)
	b.answer(t, 1)
	sig := filepath.Join(dir, yesterday.Format(time.DateOnly)+".jsonl.sig")
	u.Eventually("yesterday's file is signed", func() bool { _, err := os.Stat(sig); return err == nil })
	d.Process.Signal(syscall.SIGTERM)
	d.Wait()

	var rep policy.AuditReport
	json.Unmarshal([]byte(u.OK("audit", "verify", "--json")), &rep)
	if !rep.OK || rep.Signed != 1 || !rep.EndChecked {
		t.Fatalf("before tampering: %+v", rep)
	}
	p := filepath.Join(dir, yesterday.Format(time.DateOnly)+".jsonl")
	old, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(old, []byte(`"tool":"echo"`), []byte(`"tool":"eval"`), 1), 0o600)
	out, errs, code := u.Run("audit", "verify")
	if code != 1 || !strings.Contains(errs, "was changed after MCP Tray closed and signed it") {
		t.Fatalf("audit verify of a tampered signed file: exit %d\n%s%s", code, out, errs)
	}
}

// With settings.auditForward.otlp set, the daemon forwards each audit record to a real OTLP
// receiver on 127.0.0.1 as a log record: the line exactly as written, with its seq and chain
// hash. A keychain secret in a call's arguments reaches the collector in no record; the
// helper ends with the daemon.
func TestAuditForwardedOverOTLP(t *testing.T) {
	const value = "vault-token-0c7d2e91aa"
	rcv := telemetrytest.Start(t)
	u := testbin.NewUser(t)
	writeSettings(t, u, map[string]any{"auditForward": map[string]any{"otlp": rcv.GRPC, "otlpProtocol": "grpc"}})
	u.OK("server", "add", "vault", "--secret", "VAULT_TOKEN", "--", fake)
	u.SetSecret("vault", "VAULT_TOKEN", value)
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	setDLP(t, u, "fake", map[string]any{"action": "block"})
	d := u.Daemon()
	u.WaitRunning("vault")
	u.WaitRunning("fake")
	b := connect(t, u, "fake")
	b.call(t, 1, "echo", `{"text":"hi"}`)
	b.answer(t, 1)
	args, _ := json.Marshal(map[string]string{"text": "here: " + value})
	b.call(t, 2, "echo", string(args))
	if toolError(b.answer(t, 2)) == "" {
		t.Fatal("the call carrying the vault's secret was not blocked")
	}
	rcv.Wait(t, "both audit records", func() bool { return len(rcv.Logs()) >= 2 })
	lines := strings.Split(strings.TrimSpace(audit(u)), "\n")
	got := rcv.Logs()
	if len(got) != len(lines) {
		t.Fatalf("the receiver got %d records for %d audit lines", len(got), len(lines))
	}
	for i, l := range got {
		if l.EventName != "mcptray.audit" || l.Body != lines[i] || l.Attributes["mcptray.audit.hash"] != sha(lines[i]) ||
			l.Attributes["mcptray.audit.seq"] != strconv.Itoa(i+1) {
			t.Errorf("record %d: %+v\nwant the audit line %s with its hash %s", i+1, l, lines[i], sha(lines[i]))
		}
		testbin.AssertNoSecretsIn(t, []string{value}, "an OTLP log record", fmt.Sprint(l))
	}
	if !strings.Contains(got[1].Body, "VAULT_TOKEN") {
		t.Errorf("the second record does not say what was found: %s", got[1].Body)
	}
	d.Process.Signal(syscall.SIGTERM)
	d.Wait()
	if n := helpers(t); len(n) != 0 {
		t.Errorf("mcptray-otel still runs after the daemon ended: %v", n)
	}
}
