package policy

import "testing"

func TestIsFingerprintCode(t *testing.T) {
	for code, want := range map[string]bool{
		"0123456789abcdef": true,
		"0123456789ABCDEF": true,
		"0123456789abcde":  false,
		"0123456789abcdeg": false,
		"CODE":             false,
		"":                 false,
		"27abfc9639a5595bfd13c29bce64e8965b97deec6c39a19c65e0560ea49c8c8f": true,
	} {
		if got := IsFingerprintCode(code); got != want {
			t.Errorf("IsFingerprintCode(%q) = %v, want %v", code, got, want)
		}
	}
}
