package reconcile

import "testing"

func TestRedactTakesOutWholeValuesOnly(t *testing.T) {
	refs := []secretRef{{"s", "K", "true"}, {"s", "T", "tok123"}}
	in := "{\"a\": true, \"b\": \"true\", \"c\": \"untrue\", \"d\": \"tok123\"}\nyaml: tok123\nother: tok1234\nlast: true\n"
	for _, yaml := range []bool{false, true} {
		got, found := redactSecrets([]byte(in), refs, yaml)
		want := "{\"a\": true, \"b\": \"mcptray-keychain:s/K\", \"c\": \"untrue\", \"d\": \"mcptray-keychain:s/T\"}\nyaml: tok123\nother: tok1234\nlast: true\n"
		if yaml {
			want = "{\"a\": true, \"b\": \"mcptray-keychain:s/K\", \"c\": \"untrue\", \"d\": \"mcptray-keychain:s/T\"}\nyaml: mcptray-keychain:s/T\nother: tok1234\nlast: mcptray-keychain:s/K\n"
		}
		if string(got) != want || len(found) != 2 {
			t.Errorf("redactSecrets (yaml %v) gave (found %v):\n%s\nwant:\n%s", yaml, found, got, want)
		}
	}
}
