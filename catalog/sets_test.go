package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSets(t *testing.T) {
	qs := []Question{{Key: "dir", Repeated: true}, {Key: "mode"}, {Key: "TOKEN", Secret: true}}
	got, err := ParseSets("fs", qs, []string{"dir=/a", "mode=fast=1", "dir=/b"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"dir": JoinRepeated("/a", "/b"), "mode": "fast=1"}, got); d != "" {
		t.Errorf("ParseSets (-want +got)\n%s", d)
	}
	for _, tc := range []struct {
		qs   []Question
		sets []string
		want string
	}{
		{qs, []string{"novalue"}, `--set takes KEY=VALUE, and "novalue" is not that`},
		{qs, []string{"=x"}, `--set takes KEY=VALUE, and "=x" is not that`},
		{qs, []string{"colour=red"}, `there is no setting "colour" for fs; its settings are dir, mode`},
		{[]Question{{Key: "T", Secret: true}}, []string{"x=1"}, `there is no setting "x" for fs; it takes no settings`},
		{qs, []string{"TOKEN=abc"}, "TOKEN is a secret, so it never goes on the command line: type it when asked, or pipe it on standard input"},
		{qs, []string{"mode=a", "mode=b"}, "--set mode was given twice, but mode takes one value"},
	} {
		if _, err := ParseSets("fs", tc.qs, tc.sets); err == nil || err.Error() != tc.want {
			t.Errorf("ParseSets(%q) error = %v, want %q", tc.sets, err, tc.want)
		}
	}
}
