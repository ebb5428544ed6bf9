package bundle

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512" // registers SHA-384 and SHA-512 for crypto.Hash.New
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// The signature block `mcpb sign` appends after the zip: the header, the PKCS#7 signature's
// length (4 bytes, little-endian), the DER PKCS#7 SignedData over everything before the
// header (detached, with signed attributes), and the footer.
var (
	sigHeader = []byte("MCPB_SIG_V1")
	sigFooter = []byte("MCPB_SIG_END")
)

// Signature states.
const (
	Unsigned   = "unsigned"    // no signature block
	SelfSigned = "self-signed" // signed, by a certificate that vouches for itself
	Untrusted  = "untrusted"   // signed, by a certificate this computer does not trust
	Trusted    = "trusted"     // signed, by a certificate this computer's trusted roots vouch for
)

// Signature is what a bundle's signature says. A signature that does not match the bundle's
// bytes never gets here: Read refuses the bundle.
type Signature struct {
	Status string `json:"status"` // Unsigned, SelfSigned, Untrusted or Trusted
	// Signer is the signing certificate's subject common name, Organization its organization.
	Signer       string `json:"signer,omitempty"`
	Organization string `json:"organization,omitempty"`
	// Issuer is the common name of who issued the certificate.
	Issuer string `json:"issuer,omitempty"`
	// Fingerprint is the hex sha256 of the signing certificate.
	Fingerprint string    `json:"fingerprint,omitempty"`
	NotAfter    time.Time `json:"not_after,omitzero"`
	// Problem says why a signed bundle's certificate is not trusted, "" when it is.
	Problem string `json:"problem,omitempty"`
}

// Sentence is the one line to show a person about the signature.
func (s Signature) Sentence() string {
	who := s.Signer
	if s.Organization != "" && s.Organization != s.Signer {
		who += " (" + s.Organization + ")"
	}
	switch s.Status {
	case Trusted:
		return fmt.Sprintf("Signed by %s, a certificate this computer trusts.", who)
	case SelfSigned:
		return fmt.Sprintf("Signed by %s with a certificate that vouches only for itself, so MCP Tray cannot tell who really made it.", who)
	case Untrusted:
		return fmt.Sprintf("Signed by %s, but this computer does not trust that certificate (%s).", who, s.Problem)
	}
	return "The bundle is not signed, so MCP Tray cannot tell who made it; install it only if you trust where it came from."
}

// splitSignature separates the zip from a trailing signature block. A file that ends in the
// footer but whose block cannot be read is refused: a damaged signature is not "unsigned".
func splitSignature(data []byte) (content, sig []byte, err error) {
	if !bytes.HasSuffix(data, sigFooter) {
		if bytes.Contains(data[max(0, len(data)-64<<10):], sigHeader) && bytes.Contains(data[max(0, len(data)-64<<10):], sigFooter) {
			return nil, nil, refuse("The bundle has something after its signature, so its signature does not cover all of it and it was not opened.")
		}
		return data, nil, nil
	}
	end := len(data) - len(sigFooter)
	for i := bytes.LastIndex(data[:end], sigHeader); i >= 0; i = bytes.LastIndex(data[:i], sigHeader) {
		at := i + len(sigHeader)
		if at+4 > end {
			continue
		}
		n := binary.LittleEndian.Uint32(data[at : at+4])
		if uint64(at)+4+uint64(n) == uint64(end) {
			return data[:i], data[at+4 : end], nil
		}
	}
	return nil, nil, refuse("The bundle's signature block is damaged, so it was not opened.")
}

var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSHA256        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	ContentInfo      contentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type signerInfo struct {
	Version            int
	IssuerAndSerial    issuerAndSerial
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

// badSignature is the sentence for every way a signature fails to match the bundle.
func badSignature() error {
	return refuse("The bundle's signature does not match its contents: it was changed after it was signed, so it was not opened.")
}

// verifySignature checks the PKCS#7 signature sig over content (nil sig: unsigned) and says
// who signed it and whether this computer trusts the certificate. It accepts exactly one
// signer, with signed attributes whose message digest is content's (SHA-256, -384 or -512),
// signed with RSA or ECDSA by a certificate carried in the signature.
func verifySignature(content, sig []byte) (Signature, error) {
	if sig == nil {
		return Signature{Status: Unsigned}, nil
	}
	var ci contentInfo
	if rest, err := asn1.Unmarshal(sig, &ci); err != nil || len(rest) != 0 || !ci.ContentType.Equal(oidSignedData) {
		return Signature{}, refuse("The bundle's signature could not be read, so it was not opened.")
	}
	var sd signedData
	if rest, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(rest) != 0 {
		return Signature{}, refuse("The bundle's signature could not be read, so it was not opened.")
	}
	if !sd.ContentInfo.ContentType.Equal(oidData) || len(sd.ContentInfo.Content.Bytes) != 0 {
		// An embedded copy of the content would be what was signed, not the bundle.
		return Signature{}, badSignature()
	}
	if len(sd.SignerInfos) != 1 {
		return Signature{}, refuse("The bundle's signature has %d signers instead of one, so it was not opened.", len(sd.SignerInfos))
	}
	certs, err := x509.ParseCertificates(sd.Certificates.Bytes)
	if err != nil || len(certs) == 0 {
		return Signature{}, refuse("The bundle's signature carries no readable certificate, so it was not opened.")
	}
	si := sd.SignerInfos[0]
	var signer *x509.Certificate
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, si.IssuerAndSerial.Issuer.FullBytes) && c.SerialNumber.Cmp(si.IssuerAndSerial.Serial) == 0 {
			signer = c
		}
	}
	if signer == nil {
		return Signature{}, badSignature()
	}
	hash, ok := hashFor(si.DigestAlgorithm.Algorithm)
	if !ok {
		return Signature{}, refuse("The bundle is signed with a digest MCP Tray does not accept, so it was not opened.")
	}
	h := hash.New()
	h.Write(content)
	digest := h.Sum(nil)
	if len(si.SignedAttrs.Bytes) == 0 {
		return Signature{}, badSignature()
	}
	// The signature covers the attributes' DER with the SET tag in place of [0] IMPLICIT.
	signed := bytes.Clone(si.SignedAttrs.FullBytes)
	signed[0] = 0x31
	var attrs []attribute
	if rest, err := asn1.UnmarshalWithParams(signed, &attrs, "set"); err != nil || len(rest) != 0 {
		return Signature{}, refuse("The bundle's signature could not be read, so it was not opened.")
	}
	var gotDigest []byte
	digests, types := 0, 0
	for _, a := range attrs {
		switch {
		case a.Type.Equal(oidMessageDigest):
			digests++
			if _, err := asn1.Unmarshal(a.Values.Bytes, &gotDigest); err != nil {
				return Signature{}, badSignature()
			}
		case a.Type.Equal(oidContentType):
			types++
			var ct asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(a.Values.Bytes, &ct); err != nil || !ct.Equal(oidData) {
				return Signature{}, badSignature()
			}
		}
	}
	if digests != 1 || types != 1 || !bytes.Equal(gotDigest, digest) {
		return Signature{}, badSignature()
	}
	if err := checkSignature(signer, hash, signed, si.Signature); err != nil {
		return Signature{}, badSignature()
	}
	return describe(signer, certs), nil
}

func hashFor(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, true
	case oid.Equal(oidSHA384):
		return crypto.SHA384, true
	case oid.Equal(oidSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

func checkSignature(c *x509.Certificate, hash crypto.Hash, signed, sig []byte) error {
	h := hash.New()
	h.Write(signed)
	sum := h.Sum(nil)
	switch pub := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, hash, sum, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, sum, sig) {
			return fmt.Errorf("ecdsa signature does not verify")
		}
		return nil
	}
	return fmt.Errorf("unsupported key %T", c.PublicKey)
}

// systemRoots is the trust store; tests replace it.
var systemRoots = x509.SystemCertPool

// now is the clock certificates are checked against; tests replace it.
var now = time.Now

// describe says who signed and whether the system's roots vouch for the certificate.
func describe(signer *x509.Certificate, certs []*x509.Certificate) Signature {
	fp := sha256.Sum256(signer.Raw)
	s := Signature{
		Signer:       signer.Subject.CommonName,
		Organization: strings.Join(signer.Subject.Organization, ", "),
		Issuer:       signer.Issuer.CommonName,
		Fingerprint:  hex.EncodeToString(fp[:]),
		NotAfter:     signer.NotAfter,
	}
	if s.Signer == "" {
		s.Signer = "an unnamed signer"
	}
	if bytes.Equal(signer.RawIssuer, signer.RawSubject) && signer.CheckSignatureFrom(signer) == nil {
		s.Status = SelfSigned
		return s
	}
	inter := x509.NewCertPool()
	for _, c := range certs {
		if c != signer {
			inter.AddCert(c)
		}
	}
	roots, err := systemRoots()
	if err != nil {
		s.Status, s.Problem = Untrusted, "the system's trusted certificates could not be read"
		return s
	}
	_, err = signer.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}})
	if err != nil {
		s.Status, s.Problem = Untrusted, certProblem(err)
		return s
	}
	s.Status = Trusted
	return s
}

func certProblem(err error) string {
	switch e := err.(type) {
	case x509.UnknownAuthorityError:
		return "no certificate this computer trusts vouches for it"
	case x509.CertificateInvalidError:
		switch e.Reason {
		case x509.Expired:
			return "it has expired or is not valid yet"
		case x509.IncompatibleUsage:
			return "it is not a certificate for signing software"
		}
	}
	return "it could not be checked"
}
