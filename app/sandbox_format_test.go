package app

import (
	"testing"

	"github.com/mcptray/mcptray/api"
)

func TestSandboxLine(t *testing.T) {
	for _, c := range []struct {
		d    api.ServerDetail
		want string
	}{
		{api.ServerDetail{Name: "notes", Confined: true, Sandbox: "can read and change files in Documents/notes; cannot use the internet"},
			"In its sandbox, it can read and change files in Documents/notes; cannot use the internet."},
		{api.ServerDetail{Name: "mine", Sandbox: "runs without a sandbox: it can touch everything you can"},
			"It runs without a sandbox: it can touch everything you can. To confine it, choose Change…"},
		{api.ServerDetail{Name: "legacy", Sandbox: "runs without a sandbox, as you chose: it can touch everything you can"},
			"It runs without a sandbox, as you chose: it can touch everything you can."},
		{api.ServerDetail{Name: "old"}, ""},
		{api.ServerDetail{Name: "x", Confined: true, Sandbox: "can read files in evil\u202e\nname; can use the internet"},
			"In its sandbox, it can read files in evil\\u202e\\nname; can use the internet."},
	} {
		if got := sandboxLine(c.d); got != c.want {
			t.Errorf("sandboxLine(%+v) = %q, want %q", c.d, got, c.want)
		}
	}
}
