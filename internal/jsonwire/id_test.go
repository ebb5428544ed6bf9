package jsonwire

import (
	"encoding/json"
	"strconv"
	"testing"
)

func TestIDKeyComparesAsClientsDo(t *testing.T) {
	same := [][]string{
		{`1`, `1.0`, `1e0`, `"1"`, `" 1 "`, `"1.0"`, `"0x1"`, `10e-1`},
		{`0`, `-0`, `""`, `"0"`, `0.0`},
		{`"abc"`},
		{`"-1"`, `-1`},
		{`1e400`, `"Infinity"`, `"1e400"`},
	}
	keys := map[string]string{}
	for i, group := range same {
		for _, id := range group {
			k, ok := IDKey([]byte(id))
			if !ok {
				t.Errorf("IDKey(%s) is not usable", id)
				continue
			}
			if prev, ok := keys[k]; ok && prev != group[0] {
				t.Errorf("IDKey(%s) = IDKey(%s), of another group", id, prev)
			}
			keys[k] = group[0]
			if first, _ := IDKey([]byte(group[0])); first != k {
				t.Errorf("group %d: IDKey(%s) = %q, IDKey(%s) = %q", i, id, k, group[0], first)
			}
		}
	}
	for _, bad := range []string{`null`, `true`, `{}`, `[1]`, ``, `"\x"`} {
		if _, ok := IDKey([]byte(bad)); ok {
			t.Errorf("IDKey(%s) is usable", bad)
		}
	}
}

// TestIDKeySmallIntegersAsNumbers checks IDKey's shortcut for plain integers against the
// float's own key, for every integer it takes, and at its edges.
func TestIDKeySmallIntegersAsNumbers(t *testing.T) {
	for i := 0; i <= 1_000_000; i++ {
		s := strconv.Itoa(i)
		got, ok := IDKey([]byte(s))
		if want := numberKey(float64(i)); !ok || got != want {
			t.Fatalf("IDKey(%s) = %q, %v; want %q", s, got, ok, want)
		}
		if quoted, _ := IDKey([]byte(`"` + s + `"`)); quoted != got {
			t.Fatalf("IDKey(%q) = %q, IDKey(%s) = %q", s, quoted, s, got)
		}
	}
	for _, id := range []string{`01`, `007`, `1000000`, `9999999`, `-1`, `1.0`, `1e3`} {
		f, _ := strconv.ParseFloat(id, 64)
		if got, _ := IDKey([]byte(id)); got != numberKey(f) {
			t.Errorf("IDKey(%s) = %q, want %q", id, got, numberKey(f))
		}
	}
}

// FuzzIDKey checks, for any id, that reading it never fails badly, that a number and the
// same number in quotes are one request (the TypeScript SDK's Number(id)), and that two
// strings a client cannot take for numbers are one request only when they are equal.
func FuzzIDKey(f *testing.F) {
	for _, seed := range []string{`1`, `"1"`, `-0`, `1e400`, `"0x1F"`, `"0b1_0"`, `" 1 "`, `"\u00a01"`, `"abc"`, `1.5e-3`, `"Infinity"`, `[1]`} {
		f.Add(seed, `"x"`)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ka, okA := IDKey([]byte(a))
		kb, okB := IDKey([]byte(b))
		if !json.Valid([]byte(a)) || !okA {
			return
		}
		if c := a[0]; c == '-' || c >= '0' && c <= '9' {
			if kq, ok := IDKey([]byte(strconv.Quote(a))); !ok || kq != ka {
				t.Fatalf("IDKey(%s) = %q, but IDKey of it quoted = %q (%v)", a, ka, kq, ok)
			}
		}
		var sa, sb string
		if !okB || json.Unmarshal([]byte(a), &sa) != nil || json.Unmarshal([]byte(b), &sb) != nil {
			return
		}
		if _, numA := jsNumber(sa); !numA {
			if _, numB := jsNumber(sb); !numB && (ka == kb) != (sa == sb) {
				t.Fatalf("IDKey(%s) = %q and IDKey(%s) = %q: strings %q and %q", a, ka, b, kb, sa, sb)
			}
		}
	})
}
