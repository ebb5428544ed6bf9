package config

import "testing"

func TestCheckName(t *testing.T) {
	for name, ok := range map[string]bool{"files": true, "my.server-2_x": true, "": false, "a b": false, "../x": false} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v", name, err)
		}
	}
	if err := CheckName("a b"); err.Error() != `"a b" cannot be a server name: use letters, digits, '.', '-' or '_'` {
		t.Errorf("CheckName sentence = %q", err)
	}
}

func TestParseEnvPair(t *testing.T) {
	for kv, want := range map[string][2]string{"A=1": {"A", "1"}, "PATH_X=": {"PATH_X", ""}, "U=a=b": {"U", "a=b"}} {
		k, v, err := ParseEnvPair(kv)
		if err != nil || k != want[0] || v != want[1] {
			t.Errorf("ParseEnvPair(%q) = %q, %q, %v", kv, k, v, err)
		}
	}
	for _, kv := range []string{"NOEQUALS", "=x", "1A=x", "A B=x"} {
		if _, _, err := ParseEnvPair(kv); err == nil || err.Error() != `--env takes NAME=VALUE, and "`+kv+`" is not that` {
			t.Errorf("ParseEnvPair(%q) error = %v", kv, err)
		}
	}
}
