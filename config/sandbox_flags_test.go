package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSandboxFlagsCheck(t *testing.T) {
	for _, tc := range []struct {
		f    SandboxFlags
		want string
	}{
		{SandboxFlags{On: true, Off: true}, "--on and --off cannot go together"},
		{SandboxFlags{Network: "maybe"}, `--network takes on or off, not "maybe"`},
		{SandboxFlags{Off: true, Read: []string{"/tmp"}}, "--off runs the server without a sandbox, so it takes no folders or network setting"},
		{SandboxFlags{Off: true, Network: "off"}, "--off runs the server without a sandbox, so it takes no folders or network setting"},
		{SandboxFlags{Off: true}, ""},
		{SandboxFlags{Write: []string{"x"}, Network: "on"}, ""},
	} {
		err := tc.f.Check()
		if got := ""; err != nil {
			got = err.Error()
			if got != tc.want {
				t.Errorf("%+v: Check() = %q, want %q", tc.f, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("%+v: Check() took it, want %q", tc.f, tc.want)
		}
	}
}

func TestSandboxFlagsChange(t *testing.T) {
	if (SandboxFlags{}).Changes() {
		t.Error("no flags change something")
	}
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	f := SandboxFlags{Read: []string{"~/Documents", "notes"}, Write: []string{"/tmp/../srv/data/"}, Forget: []string{"~"}, Network: "off"}
	if !f.Changes() {
		t.Error("flags change nothing")
	}
	c, err := f.Change()
	if err != nil {
		t.Fatal(err)
	}
	off := false
	want := SandboxChange{Read: []string{"~/Documents", filepath.Join(here, "notes")}, Write: []string{"/srv/data"}, Forget: []string{"~"}, Network: &off}
	if d := cmp.Diff(want, c); d != "" {
		t.Errorf("Change (-want +got)\n%s", d)
	}
	if c, _ := (SandboxFlags{On: true}).Change(); c.Network != nil || c.Off || len(c.Read) != 0 {
		t.Errorf("--on alone = %+v", c)
	}
}
