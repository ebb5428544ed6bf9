package app

import (
	"testing"

	"github.com/mcptray/mcptray/daemon"
)

func TestSandboxLine(t *testing.T) {
	for _, c := range []struct {
		d    daemon.ServerDetail
		want string
	}{
		{daemon.ServerDetail{Name: "notes", Confined: true, Sandbox: "can read and change files in Documents/notes; cannot use the internet"},
			"In its sandbox, it can read and change files in Documents/notes; cannot use the internet."},
		{daemon.ServerDetail{Name: "mine", Sandbox: "runs without a sandbox: it can touch everything you can"},
			"It runs without a sandbox: it can touch everything you can. To confine it, choose Change…"},
		{daemon.ServerDetail{Name: "legacy", Sandbox: "runs without a sandbox, as you chose: it can touch everything you can"},
			"It runs without a sandbox, as you chose: it can touch everything you can."},
		{daemon.ServerDetail{Name: "old"}, ""},
		{daemon.ServerDetail{Name: "x", Confined: true, Sandbox: "can read files in evil\u202e\nname; can use the internet"},
			"In its sandbox, it can read files in evil\\u202e\\nname; can use the internet."},
	} {
		if got := sandboxLine(c.d); got != c.want {
			t.Errorf("sandboxLine(%+v) = %q, want %q", c.d, got, c.want)
		}
	}
}
