package prose

import (
	"errors"
	"testing"
)

func TestFinish(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "Something went wrong.",
		"  the keychain is locked ": "The keychain is locked.",
		"Done.":                     "Done.",
		"really?":                   "Really?",
		"élan":                      "Élan.",
	} {
		if got := Finish(in); got != want {
			t.Errorf("Finish(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Sentence(errors.New("no server named x")); got != "No server named x." {
		t.Errorf("Sentence = %q", got)
	}
}

func TestJoinAnd(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a and b"}, {[]string{"a", "b", "c"}, "a, b and c"}} {
		if got := JoinAnd(tc.in); got != tc.want {
			t.Errorf("JoinAnd(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
