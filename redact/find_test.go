package redact

import (
	"encoding/base64"
	"slices"
	"testing"
)

func TestFound(t *testing.T) {
	r := New(map[string]string{"github/TOKEN": "ghp_secretvalue123", "mail/PASS": "hunter2hunter2"})
	g := r.Generation()
	in := []byte(`{"a":"x ` + base64.StdEncoding.EncodeToString([]byte("hunter2hunter2")) + ` y","b":"ghp_secretvalue123","c":"hunter2hunter2"}`)
	if got := r.Found(in); !slices.Equal(got, []string{"mail/PASS", "github/TOKEN"}) {
		t.Fatalf("Found = %q", got)
	}
	if got := r.Found([]byte("nothing here")); got != nil {
		t.Fatalf("Found in clean text = %q", got)
	}
	r.Set(nil)
	if r.Generation() == g {
		t.Fatal("Set did not change the generation")
	}
	var none *Redactor
	if none.Found(in) != nil || none.Generation() != 0 {
		t.Fatal("a nil Redactor found something")
	}
}
