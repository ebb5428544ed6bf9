package policy

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// Each daily file is closed with a signature: once MCP Tray has moved on to the next day's
// file (or, started on a later day, finds earlier files not signed yet), it writes beside
// YYYY-MM-DD.jsonl a YYYY-MM-DD.jsonl.sig holding the file's SHA-256, its line count and last
// line's hash, signed with Ed25519. The signing key is derived from the audit key in the
// keychain (AuditKey), so no second secret is kept; the public key is in every .sig, so an
// auditor who noted it once can check files without MCP Tray. Verify checks every signature
// before it walks the chain: a signed file changed in any way, or a signature removed from
// the middle of the log, is reported.

// auditSigExt is the extension of a daily file's signature.
const auditSigExt = ".sig"

// auditSig is the content of a .sig file.
type auditSig struct {
	File      string `json:"file"`
	Lines     int    `json:"lines"`
	LastHash  string `json:"last_hash"`
	SHA256    string `json:"sha256"`
	PublicKey string `json:"public_key"` // hex
	Signature string `json:"signature"`  // hex, Ed25519 over signedBytes
}

func (s auditSig) signedBytes() []byte {
	return fmt.Appendf(nil, "mcptray audit file 1\x00%s\x00%d\x00%s\x00%s", s.File, s.Lines, s.LastHash, s.SHA256)
}

// auditSigner is the Ed25519 key of the audit key.
func auditSigner(key []byte) ed25519.PrivateKey {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("mcptray audit file signing key 1"))
	return ed25519.NewKeyFromSeed(m.Sum(nil))
}

// describeFile reads a daily file for its signature: SHA-256, complete lines, last line's hash.
func describeFile(path string) (auditSig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return auditSig{}, err
	}
	sum := sha256.Sum256(b)
	s := auditSig{File: filepath.Base(path), SHA256: hex.EncodeToString(sum[:]), Lines: bytes.Count(b, []byte{'\n'})}
	if trimmed := bytes.TrimSuffix(b, []byte{'\n'}); len(trimmed) > 0 {
		s.LastHash = lineHash(trimmed[bytes.LastIndexByte(trimmed, '\n')+1:])
	}
	return s, nil
}

// signClosedLocked signs the closed daily files after the last signed one (every file but the
// current day's), when the key is known. A signature missing between signed files is left
// missing: Verify reports it.
func (l *AuditLog) signClosedLocked() error {
	if l.key == nil {
		return nil
	}
	files, err := auditFiles(l.dir)
	if err != nil {
		return err
	}
	start := 0
	for i, f := range files {
		if _, err := os.Stat(filepath.Join(l.dir, f+auditSigExt)); err == nil {
			start = i + 1
		}
	}
	priv := auditSigner(l.key)
	for _, f := range files[start:] {
		if f >= l.day+".jsonl" {
			break
		}
		s, err := describeFile(filepath.Join(l.dir, f))
		if err != nil {
			return fmt.Errorf("signing the audit log: %w", err)
		}
		s.PublicKey = hex.EncodeToString(priv.Public().(ed25519.PublicKey))
		s.Signature = hex.EncodeToString(ed25519.Sign(priv, s.signedBytes()))
		b, _ := json.Marshal(s)
		if err := atomicfile.WriteFile(filepath.Join(l.dir, f+auditSigExt), append(b, '\n'), 0o600); err != nil {
			return fmt.Errorf("signing the audit log: %w", err)
		}
	}
	return nil
}

// AuditPublicKey is the hex Ed25519 public key that signs the daily files of the log sealed
// with key, for an auditor to note.
func AuditPublicKey(key []byte) string {
	return hex.EncodeToString(auditSigner(key).Public().(ed25519.PublicKey))
}

// checkSignatures checks the signature of every daily file that has one, and that none is
// missing before a signed file. It returns the file and a plain sentence for the first
// problem; signed counts the files checked. With key nil, signatures are checked against the
// public key they carry (which proves less: see VerifyWith's note).
func checkSignatures(dir string, files []string, key []byte) (signed int, file, problem string, err error) {
	var want string
	if key != nil {
		want = AuditPublicKey(key)
	}
	lastSigned := -1
	for i, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f+auditSigExt))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, "", "", fmt.Errorf("reading the audit log's signatures: %w", err)
		}
		var s auditSig
		if json.Unmarshal(b, &s) != nil {
			return signed, f, fmt.Sprintf("The signature of %s is damaged, so the file cannot be checked.", f), nil
		}
		pub, perr := hex.DecodeString(s.PublicKey)
		sig, serr := hex.DecodeString(s.Signature)
		switch {
		case perr != nil || serr != nil || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, s.signedBytes(), sig):
			return signed, f, fmt.Sprintf("The signature of %s is not valid: it was forged or damaged.", f), nil
		case want != "" && !strings.EqualFold(s.PublicKey, want):
			return signed, f, fmt.Sprintf("%s was signed with a key that is not MCP Tray's: the file and its signature were replaced.", f), nil
		case s.File != f:
			return signed, f, fmt.Sprintf("The signature beside %s is that of %s: files were renamed.", f, s.File), nil
		}
		now, err := describeFile(filepath.Join(dir, f))
		if err != nil {
			return 0, "", "", fmt.Errorf("reading the audit log: %w", err)
		}
		if now.SHA256 != s.SHA256 || now.Lines != s.Lines || now.LastHash != s.LastHash {
			return signed, f, fmt.Sprintf("%s was changed after MCP Tray closed and signed it.", f), nil
		}
		for _, missing := range files[lastSigned+1 : i] {
			return signed, missing, fmt.Sprintf("The signature of %s was removed, though later files are signed.", missing), nil
		}
		lastSigned = i
		signed++
	}
	return signed, "", "", nil
}
