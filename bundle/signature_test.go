package bundle

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func helloFiles() map[string]string { return map[string]string{"server/hello": "#!/bin/sh\n"} }

func TestUnsignedBundle(t *testing.T) {
	b, err := Open(packed(t, helloManifest, helloFiles()))
	if err != nil {
		t.Fatal(err)
	}
	if b.Signature.Status != Unsigned {
		t.Fatalf("status %q, want unsigned", b.Signature.Status)
	}
}

func TestSelfSignedBundle(t *testing.T) {
	file := packed(t, helloManifest, helloFiles())
	runMCPB(t, filepath.Dir(file), "sign", file, "--self-signed")
	b, err := Open(file)
	if err != nil {
		t.Fatal(err)
	}
	s := b.Signature
	if s.Status != SelfSigned || s.Signer != "MCPB Self-Signed Certificate" || s.Organization != "MCPB Extensions" {
		t.Fatalf("signature %+v, want self-signed by MCPB Self-Signed Certificate (MCPB Extensions)", s)
	}

	data, _ := os.ReadFile(file)
	t.Run("changed after signing", func(t *testing.T) {
		bad := append([]byte(nil), data...)
		bad[100] ^= 0xff // inside the zip, covered by the signature
		_, err := Read(bad)
		mustRefuse(t, err, "does not match its contents")
	})
	t.Run("bytes after the signature", func(t *testing.T) {
		_, err := Read(append(append([]byte(nil), data...), "PK\x05\x06 extra"...))
		mustRefuse(t, err, "something after its signature")
	})
	t.Run("damaged block", func(t *testing.T) {
		bad := append([]byte(nil), data...)
		i := len(bad) - len(sigFooter) - 40
		bad = append(bad[:i:i], bad[i+1:]...) // one byte of the signature gone
		_, err := Read(bad)
		mustRefuse(t, err, "damaged")
	})
	t.Run("signature moved to another bundle", func(t *testing.T) {
		other, _ := os.ReadFile(packed(t, helloManifest, map[string]string{"server/hello": "#!/bin/sh\necho other\n"}))
		content, _, _ := splitSignature(data)
		_, err := Read(append(other, data[len(content):]...))
		mustRefuse(t, err, "does not match its contents")
	})
}

// TestTrustedSigner signs with a certificate from a test CA, through `mcpb sign --cert --key
// --intermediate`, and checks the signer is named and trusted only when the CA is a root.
func TestTrustedSigner(t *testing.T) {
	dir := t.TempDir()
	rootKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rootTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Root CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := x509.ParseCertificate(rootDER)
	interKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	interTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Test Signing CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	interDER, _ := x509.CreateCertificate(rand.Reader, interTmpl, root, &interKey.PublicKey, rootKey)
	inter, _ := x509.ParseCertificate(interDER)
	leafKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(3),
		Subject:   pkix.Name{CommonName: "Example Tools Ltd", Organization: []string{"Example Tools"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	leafDER, _ := x509.CreateCertificate(rand.Reader, leafTmpl, inter, &leafKey.PublicKey, interKey)
	write := func(name, kind string, der []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600)
		return p
	}
	cert := write("cert.pem", "CERTIFICATE", leafDER)
	key := write("key.pem", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(leafKey))
	interPEM := write("inter.pem", "CERTIFICATE", interDER)

	file := packed(t, helloManifest, helloFiles())
	runMCPB(t, dir, "sign", file, "--cert", cert, "--key", key, "--intermediate", interPEM)

	defer func(old func() (*x509.CertPool, error)) { systemRoots = old }(systemRoots)
	systemRoots = func() (*x509.CertPool, error) { return x509.NewCertPool(), nil }
	b, err := Open(file)
	if err != nil {
		t.Fatal(err)
	}
	if s := b.Signature; s.Status != Untrusted || s.Signer != "Example Tools Ltd" || s.Organization != "Example Tools" || s.Issuer != "Test Signing CA" {
		t.Fatalf("without the root: %+v, want untrusted, signed by Example Tools Ltd", s)
	}
	systemRoots = func() (*x509.CertPool, error) {
		p := x509.NewCertPool()
		p.AddCert(root)
		return p, nil
	}
	b, err = Open(file)
	if err != nil {
		t.Fatal(err)
	}
	if s := b.Signature; s.Status != Trusted || s.Signer != "Example Tools Ltd" {
		t.Fatalf("with the root trusted: %+v, want trusted", s)
	}
	if got := b.Signature.Sentence(); got != "Signed by Example Tools Ltd (Example Tools), a certificate this computer trusts." {
		t.Errorf("sentence %q", got)
	}
	_ = inter
}
