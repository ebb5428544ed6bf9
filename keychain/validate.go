package keychain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds server and key names; credential stores limit the
// account string, and no real name comes close.
const maxNameBytes = 128

// validServer reports whether server can name a server in an account string:
// not empty, valid UTF-8, no control characters, at most maxNameBytes.
func validServer(server string) bool {
	if server == "" || len(server) > maxNameBytes || !utf8.ValidString(server) {
		return false
	}
	return strings.IndexFunc(server, unicode.IsControl) < 0
}

// validKey reports whether key looks like an environment variable name:
// letters, digits and underscores, not starting with a digit, at most
// maxNameBytes. Such a key never contains "/", which keeps "SERVER/KEY"
// unambiguous.
func validKey(key string) bool {
	if key == "" || len(key) > maxNameBytes {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// checkNames returns ErrInvalidName unless both names are valid.
func checkNames(server, key string) error {
	if !validServer(server) || !validKey(key) {
		return ErrInvalidName
	}
	return nil
}

// checkValue returns the error Set must fail with for value, or nil.
func checkValue(server, key, value string) error {
	switch {
	case value == "" || strings.IndexByte(value, 0) >= 0:
		return ErrInvalidValue
	case tooLarge(user(server, key), value):
		return ErrTooLarge
	}
	return nil
}
