package config

import (
	"fmt"
	"strings"
)

// A server's definition as a person types it on a command line or in a form: each check's
// error is one sentence that says what is allowed.

// CheckName refuses a name that cannot be a server's (ValidName).
func CheckName(name string) error {
	if ValidName(name) {
		return nil
	}
	return fmt.Errorf("%q cannot be a server name: use letters, digits, '.', '-' or '_'", name)
}

// ParseEnvPair reads one environment setting written NAME=VALUE (the value may be empty or
// hold "="), refusing a pair without "=" or whose name is not a variable's (ValidEnvKey).
func ParseEnvPair(kv string) (name, value string, err error) {
	k, v, ok := strings.Cut(kv, "=")
	if !ok || !ValidEnvKey(k) {
		return "", "", fmt.Errorf("--env takes NAME=VALUE, and %q is not that", kv)
	}
	return k, v, nil
}
