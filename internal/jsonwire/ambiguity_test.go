package jsonwire

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckLevel(t *testing.T) {
	reads := []string{"id", "method", "params"}
	for _, tc := range []struct {
		obj   string
		want  *Ambiguity
		child string
	}{
		{`{"id":1,"method":"x","params":{"a":1}}`, nil, `{"a":1}`},
		{`{"id":1,"id":2}`, &Ambiguity{Member: "id"}, ``},
		{`{"id":1,"ID":2}`, &Ambiguity{Member: "ID", As: "id"}, ``},
		{`{"METHOD":"x"}`, &Ambiguity{Member: "METHOD", As: "method"}, ``},
		{`{"\u0069d":1,"id":2}`, &Ambiguity{Member: "id"}, ``},
		{`{"x":1,"X":2}`, &Ambiguity{Member: "X"}, ``},            // a member nobody reads, named twice by case
		{`{"\u212aey":1,"key":2}`, &Ambiguity{Member: "key"}, ``}, // the Kelvin sign folds to k, as in encoding/json
		{`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"A":18}`, &Ambiguity{Member: "A"}, ``},
		{`[1]`, nil, ``},
	} {
		child, a := CheckLevel([]byte(tc.obj), reads, "params")
		if diff := cmp.Diff(tc.want, a); diff != "" {
			t.Errorf("CheckLevel(%s) (-want +got):\n%s", tc.obj, diff)
		}
		if a == nil && string(child) != tc.child {
			t.Errorf("CheckLevel(%s) child = %s, want %s", tc.obj, child, tc.child)
		}
	}
}

func TestAmbiguityAboutID(t *testing.T) {
	for _, tc := range []struct {
		a    Ambiguity
		want bool
	}{
		{Ambiguity{Member: "id"}, true}, {Ambiguity{Member: "Id", As: "id"}, true},
		{Ambiguity{Member: "params.id"}, false}, {Ambiguity{Member: "METHOD", As: "method"}, false},
	} {
		if got := tc.a.AboutID(); got != tc.want {
			t.Errorf("%+v.AboutID() = %v", tc.a, got)
		}
	}
}

// FuzzCheckLevel checks CheckLevel against the plain definition on any object: it finds an
// ambiguity exactly when two names are equal to encoding/json (unescaped, ignoring case), or a
// name is a case variant of one the caller reads; and when it finds none, the child is the
// member encoding/json reads.
func FuzzCheckLevel(f *testing.F) {
	for _, seed := range []string{`{"id":1,"Id":2}`, `{"a":1,"b":{"id":3}}`, `{"params":[1],"x":"\u0049D"}`, `{"\u017fe":1,"se":2}`,
		`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"Q":18}`} {
		f.Add(seed)
	}
	reads := []string{"id", "params"}
	f.Fuzz(func(t *testing.T, obj string) {
		b := []byte(obj)
		isObj, ok := Object(b, func(key, value []byte) {})
		if !ok || !isObj {
			CheckLevel(b, reads, "params") // must not fail on anything
			return
		}
		var names [][]byte
		Members(b, func(key []byte, _, _ int) bool {
			names = append(names, MemberName(key))
			return true
		})
		want := false
		for i, n := range names {
			for _, r := range reads {
				if string(n) != r && bytes.EqualFold(n, []byte(r)) {
					want = true
				}
			}
			for _, m := range names[:i] {
				if bytes.EqualFold(n, m) {
					want = true
				}
			}
		}
		child, a := CheckLevel(b, reads, "params")
		if (a != nil) != want {
			t.Fatalf("CheckLevel(%s) = %+v, names %q", obj, a, names)
		}
		if a == nil {
			var m map[string]json.RawMessage
			json.Unmarshal(b, &m)
			if !bytes.Equal(child, bytes.TrimSpace(m["params"])) {
				t.Fatalf("CheckLevel(%s) child = %s, encoding/json reads %s", obj, child, m["params"])
			}
		}
	})
}
