package policy

import "strings"

// IsFingerprintCode reports whether s looks like a code a pin review shows (PinReview.Fingerprint,
// ShortFingerprintLen hex digits) or a whole fingerprint (64 hex digits), in either case. A
// face checks what the person typed with it before asking AcceptPin, so a typo is answered as
// a typo rather than as a definition that moved on.
func IsFingerprintCode(s string) bool {
	if len(s) != ShortFingerprintLen && len(s) != 64 {
		return false
	}
	for _, c := range strings.ToLower(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
