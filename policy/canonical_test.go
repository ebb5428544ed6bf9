package policy

import (
	"runtime"
	"strings"
	"testing"
)

func TestCanonicalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{ "b" : 1 , "a" : [ true , false , null ] }`, `{"a":[true,false,null],"b":1}`},
		{`{"z":{"y":1,"x":2},"a":{}}`, `{"a":{},"z":{"x":2,"y":1}}`},
		{`[]`, `[]`},
		{`[ ]`, `[]`},
		{`"\u0041\u00e9\ud83d\ude00"`, `"Aé😀"`},
		{`"tab\tnl\nq\"bs\\ctl\u0001 slash\/"`, `"tab\tnl\nq\"bs\\ctl\u0001 slash/"`},
		{`"<>&\u2028"`, "\"<>&\u2028\""},
		{`"\ud800"`, "\"\ufffd\""},
		{`1`, `1`},
		{`1.0`, `1`},
		{`10e-1`, `1`},
		{`1E0`, `1`},
		{`-0`, `0`},
		{`-0.0e10`, `0`},
		{`0.5`, `0.5`},
		{`-12.3400`, `-12.34`},
		{`1e21`, `1e+21`},
		{`123456789012345678901`, `123456789012345678901`},
		{`1e20`, `100000000000000000000`},
		{`0.000001`, `0.000001`},
		{`1e-7`, `1e-7`},
		{`12345e-10`, `0.0000012345`},
		{`1.5e-7`, `1.5e-7`},
		{`9007199254740993`, `9007199254740993`},
		{`9007199254740993.0`, `9007199254740993`},
		{`1e400`, `1e+400`},
		{`{"n":[1.10,2E+2]}`, `{"n":[1.1,200]}`},
	}
	for _, tc := range tests {
		got, err := Canonicalize([]byte(tc.in))
		if err != nil {
			t.Errorf("Canonicalize(%s): %v", tc.in, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("Canonicalize(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestCanonicalizeRejects(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":1}{}`, `{"a":1,"a":2}`, `{"x":{"k":1,"k":1}}`, `1e9999999999`, `nul`} {
		if got, err := Canonicalize([]byte(in)); err == nil {
			t.Errorf("Canonicalize(%q) = %s, want an error", in, got)
		}
	}
}

func TestCanonicalizeIsStable(t *testing.T) {
	in := `{"inputSchema":{"type":"object","properties":{"path":{"type":"string","description":"Where \u00e9"}},"required":["path"]},"name":"read","annotations":{"readOnlyHint":true}}`
	once, err := Canonicalize([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Canonicalize(once)
	if err != nil {
		t.Fatal(err)
	}
	if string(once) != string(twice) {
		t.Fatalf("canonical form changed when canonicalized again:\n%s\n%s", once, twice)
	}
}

// TestCanonicalizeManyObjectsStaysLinear: arguments a client controls, an array of many small
// objects, cost memory in proportion to their size (an object's scratch space sized by the
// rest of the input would allocate the whole input once per object).
func TestCanonicalizeManyObjectsStaysLinear(t *testing.T) {
	raw := []byte("[" + strings.Repeat(`{"b":1,"a":"x"},`, 50000) + `{}]`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	out, err := Canonicalize(raw)
	runtime.ReadMemStats(&after)
	if err != nil || !strings.HasPrefix(string(out), `[{"a":"x","b":1},`) {
		t.Fatalf("Canonicalize: %.40s…, %v", out, err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 40*uint64(len(raw)) {
		t.Errorf("Canonicalize of %d bytes allocated %d bytes", len(raw), got)
	}
}
