package daemon

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/gateway"
)

// A changed or deleted secret stays redacted: processes started with the old value may still
// print it.
func TestRetiredSecretsStayRedacted(t *testing.T) {
	b := newSecretBook()
	src := &config.Server{Command: "gh-server", Secrets: []string{"TOKEN"}}
	b.remember("gh", src, map[string]string{"TOKEN": "old-value-1234"})
	b.remember("gh", src, map[string]string{"TOKEN": "new-value-5678"})
	b.forget("gh")
	for _, v := range []string{"old-value-1234", "new-value-5678"} {
		if got := b.redactString("printed " + v); strings.Contains(got, v) {
			t.Errorf("after rotation and deletion, %q is still in the log line %q", v, got)
		}
	}
}

// Remembered values are handed out only for the config entry they were read for: a server
// removed (its keychain items deleted) and added again under the same name, identical or not,
// reads the keychain afresh. Without that, the daemon gave a deleted secret to the new server.
func TestRememberedSecretsBelongToOneEntry(t *testing.T) {
	b := newSecretBook()
	old := &config.Server{Command: "gh-server", Secrets: []string{"TOKEN"}}
	b.remember("gh", old, map[string]string{"TOKEN": "old-value-1234"})
	if _, ok := b.lookup("gh", old, []string{"TOKEN"}); !ok {
		t.Fatal("the values read for an entry are not handed out again for that entry")
	}
	readded := &config.Server{Command: "gh-server", Secrets: []string{"TOKEN"}}
	if v, ok := b.lookup("gh", readded, []string{"TOKEN"}); ok {
		t.Fatalf("a server added again under the same name got the remembered values %v", v)
	}
	if _, ok := b.lookup("gh", nil, []string{"TOKEN"}); ok {
		t.Fatal("a server no longer in config.json got the remembered values")
	}
	if got := b.redactString("old-value-1234"); strings.Contains(got, "old-value-1234") {
		t.Errorf("a remembered value is not redacted: %q", got)
	}
}

// Every text field of a traffic record is redacted, whatever its name: a server chooses the
// method, id and more of the messages it sends, and `logs --traffic` shows them. Before, only
// the id was, so a secret in a method name was shown as it was.
func TestTrafficRecordsCarryNoSecret(t *testing.T) {
	const secret = "sk-trafficsecret-0123456789"
	b := newSecretBook()
	b.remember("gh", nil, map[string]string{"TOKEN": secret})
	book := newTrafficBook(b.redactString)
	var tr gateway.Traffic
	v := reflect.ValueOf(&tr).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String {
			f.SetString("x." + secret + ".y")
		}
	}
	sess := &gateway.Session{ID: "s1", Server: "gh", Client: "client " + secret}
	book.record(sess, tr)
	book.mu.Lock()
	recs := book.tailLocked("gh", 0)
	book.mu.Unlock()
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	out, err := json.Marshal(recs[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), secret) {
		t.Errorf("a traffic record holds the secret: %s", out)
	}
	if !strings.Contains(string(out), "[redacted:TOKEN]") {
		t.Errorf("a traffic record lost its fields instead of having them redacted: %s", out)
	}
}
