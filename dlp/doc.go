// Package dlp checks what a tool call would carry out of the machine: the values of the
// person's keychain secrets (the keychain's own, matched in every encoding package redact
// knows), private keys, and credentials in well-known formats. A finding names what was found
// and never holds the value; Mask and Checker.Redact replace what was found with a marker.
package dlp
