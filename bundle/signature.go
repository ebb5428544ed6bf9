package bundle

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	_ "crypto/sha512" // registers SHA-384 and SHA-512 for crypto.Hash.New
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/smallstep/pkcs7"
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

// badSignature is the sentence for every way a signature fails to match the bundle.
func badSignature() error {
	return refuse("The bundle's signature does not match its contents: it was changed after it was signed, so it was not opened.")
}

// unreadableSignature is the sentence for a signature block that is not one PKCS#7 SignedData.
func unreadableSignature() error {
	return refuse("The bundle's signature could not be read, so it was not opened.")
}

// verifySignature checks the PKCS#7 signature sig over content (nil sig: unsigned) and says
// who signed it and whether this computer trusts the certificate. It accepts exactly one
// signer, with signed attributes (content type data, and a message digest that is content's),
// digested with SHA-256, -384 or -512 and signed with RSA or ECDSA by a certificate carried
// in the signature.
//
// github.com/smallstep/pkcs7 parses the SignedData, its certificates and its signer, and finds
// the signer's certificate; crypto/x509 checks the signature. The library's own Verify is not
// used: it checks the signature over the signed attributes re-encoded in DER order, while
// node-forge, which `mcpb sign` uses, writes them unsorted (digitalbazaar/forge#1013), so it
// would refuse every bundle `mcpb sign` makes. The signature is checked over the attributes'
// bytes as they are in the file (RFC 5652 §5.4, as OpenSSL does), and the attributes read are
// those bytes.
func verifySignature(content, sig []byte) (Signature, error) {
	if sig == nil {
		return Signature{Status: Unsigned}, nil
	}
	// pkcs7.Parse drops bytes after the ContentInfo and after the SignedData, and accepts BER:
	// a block whose every byte is not part of the one DER SignedData is refused first.
	signedAttrs, ok := signedAttributes(sig)
	if !ok {
		return Signature{}, unreadableSignature()
	}
	p7, err := pkcs7.Parse(sig)
	if err != nil {
		return Signature{}, unreadableSignature()
	}
	if len(p7.Signers) != 1 {
		return Signature{}, refuse("The bundle's signature has %d signers instead of one, so it was not opened.", len(p7.Signers))
	}
	if len(p7.Content) != 0 {
		// An embedded copy of the content would be what was signed, not the bundle.
		return Signature{}, badSignature()
	}
	if len(p7.Certificates) == 0 {
		return Signature{}, refuse("The bundle's signature carries no readable certificate, so it was not opened.")
	}
	si := p7.Signers[0]
	hash, alg, err := signatureAlgorithm(si.DigestAlgorithm.Algorithm, si.DigestEncryptionAlgorithm.Algorithm)
	if err != nil {
		return Signature{}, err
	}
	signer := p7.GetOnlySigner() // by the issuer and serial number the signer names
	if signer == nil || signedAttrs == nil {
		return Signature{}, badSignature()
	}
	digest, err := messageDigest(signedAttrs)
	if err != nil {
		return Signature{}, err
	}
	h := hash.New()
	h.Write(content)
	if subtle.ConstantTimeCompare(digest, h.Sum(nil)) != 1 {
		return Signature{}, badSignature()
	}
	if err := signer.CheckSignature(alg, signedAttrs, si.EncryptedDigest); err != nil {
		return Signature{}, badSignature()
	}
	return describe(signer, p7.Certificates), nil
}

// messageDigest returns the message digest the signed attributes hold, and refuses
// attributes without exactly one message digest and one content type, data.
func messageDigest(signedAttrs []byte) ([]byte, error) {
	var attrs []struct {
		Type   asn1.ObjectIdentifier
		Values asn1.RawValue `asn1:"set"`
	}
	if rest, err := asn1.UnmarshalWithParams(signedAttrs, &attrs, "set"); err != nil || len(rest) != 0 {
		return nil, unreadableSignature()
	}
	var digest []byte
	digests, types := 0, 0
	for _, a := range attrs {
		switch {
		case a.Type.Equal(pkcs7.OIDAttributeMessageDigest):
			digests++
			if rest, err := asn1.Unmarshal(a.Values.Bytes, &digest); err != nil || len(rest) != 0 {
				return nil, badSignature()
			}
		case a.Type.Equal(pkcs7.OIDAttributeContentType):
			types++
			var ct asn1.ObjectIdentifier
			if rest, err := asn1.Unmarshal(a.Values.Bytes, &ct); err != nil || len(rest) != 0 || !ct.Equal(pkcs7.OIDData) {
				return nil, badSignature()
			}
		}
	}
	if digests != 1 || types != 1 {
		return nil, badSignature()
	}
	return digest, nil
}

var oidDigestMD5 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}

// signatureAlgorithm accepts a SHA-256, -384 or -512 digest with RSA (PKCS #1 v1.5, hashed
// with the digest) or ECDSA (hashed as its algorithm says, one of the same three), and says
// how to hash the content and check the signature. A digest that collisions have broken, MD5
// or SHA-1, is refused with its name rather than shown as "weak": whoever holds a signature
// over one can make other bytes with the same digest, so it proves nothing about the bundle,
// and `mcpb sign` uses SHA-256, so no bundle it makes is lost.
func signatureAlgorithm(digest, signature asn1.ObjectIdentifier) (crypto.Hash, x509.SignatureAlgorithm, error) {
	switch {
	case digest.Equal(oidDigestMD5), signature.Equal(pkcs7.OIDEncryptionAlgorithmRSAMD5):
		return 0, 0, refuse("The bundle is signed with MD5, a digest that can be forged, so it was not opened.")
	case digest.Equal(pkcs7.OIDDigestAlgorithmSHA1), signature.Equal(pkcs7.OIDEncryptionAlgorithmRSASHA1),
		signature.Equal(pkcs7.OIDDigestAlgorithmECDSASHA1), signature.Equal(pkcs7.OIDDigestAlgorithmDSASHA1):
		return 0, 0, refuse("The bundle is signed with SHA-1, a digest that can be forged, so it was not opened.")
	}
	var hash crypto.Hash
	var rsa x509.SignatureAlgorithm
	switch {
	case digest.Equal(pkcs7.OIDDigestAlgorithmSHA256):
		hash, rsa = crypto.SHA256, x509.SHA256WithRSA
	case digest.Equal(pkcs7.OIDDigestAlgorithmSHA384):
		hash, rsa = crypto.SHA384, x509.SHA384WithRSA
	case digest.Equal(pkcs7.OIDDigestAlgorithmSHA512):
		hash, rsa = crypto.SHA512, x509.SHA512WithRSA
	default:
		return 0, 0, refuse("The bundle is signed with a digest MCP Tray does not accept, so it was not opened.")
	}
	switch {
	case signature.Equal(pkcs7.OIDEncryptionAlgorithmRSA), signature.Equal(pkcs7.OIDEncryptionAlgorithmRSASHA256),
		signature.Equal(pkcs7.OIDEncryptionAlgorithmRSASHA384), signature.Equal(pkcs7.OIDEncryptionAlgorithmRSASHA512):
		return hash, rsa, nil
	case signature.Equal(pkcs7.OIDDigestAlgorithmECDSASHA256):
		return hash, x509.ECDSAWithSHA256, nil
	case signature.Equal(pkcs7.OIDDigestAlgorithmECDSASHA384):
		return hash, x509.ECDSAWithSHA384, nil
	case signature.Equal(pkcs7.OIDDigestAlgorithmECDSASHA512):
		return hash, x509.ECDSAWithSHA512, nil
	}
	return 0, 0, refuse("The bundle is signed with a digest MCP Tray does not accept, so it was not opened.")
}

// signedAttributes checks that sig is exactly one DER ContentInfo of type SignedData with one
// signer, every element filling its parent with nothing after it, and returns that signer's
// signed attributes as the bytes the signature covers (their DER with the SET tag in place of
// [0] IMPLICIT), nil when it has none. encoding/asn1 and pkcs7.Parse accept bytes after a
// SEQUENCE's last field and after the whole; this does not.
func signedAttributes(sig []byte) ([]byte, bool) {
	ci, ok := derElements(sig)
	if !ok || len(ci) != 1 || !isUniversal(ci[0], asn1.TagSequence) {
		return nil, false
	}
	fields, ok := derElements(ci[0].Bytes)
	if !ok || len(fields) != 2 || !isUniversal(fields[0], asn1.TagOID) || !isContext(fields[1], 0) {
		return nil, false
	}
	var ct asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(fields[0].FullBytes, &ct); err != nil || !ct.Equal(pkcs7.OIDSignedData) {
		return nil, false
	}
	sd, ok := derElements(fields[1].Bytes)
	if !ok || len(sd) != 1 || !isUniversal(sd[0], asn1.TagSequence) {
		return nil, false
	}
	// version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
	parts, ok := derElements(sd[0].Bytes)
	if !ok || len(parts) < 4 || len(parts) > 6 || !isUniversal(parts[len(parts)-1], asn1.TagSet) {
		return nil, false
	}
	signers, ok := derElements(parts[len(parts)-1].Bytes)
	if !ok || len(signers) != 1 || !isUniversal(signers[0], asn1.TagSequence) {
		return nil, ok // pkcs7.Parse counts the signers for the sentence
	}
	// version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1] unsignedAttrs
	si, ok := derElements(signers[0].Bytes)
	if !ok || len(si) < 5 || len(si) > 7 {
		return nil, false
	}
	if !isContext(si[3], 0) {
		return nil, true
	}
	signed := bytes.Clone(si[3].FullBytes)
	signed[0] = 0x31 // SET
	return signed, true
}

func isUniversal(v asn1.RawValue, tag int) bool {
	return v.Class == asn1.ClassUniversal && v.Tag == tag
}

func isContext(v asn1.RawValue, tag int) bool {
	return v.Class == asn1.ClassContextSpecific && v.Tag == tag && v.IsCompound
}

// derElements splits b into consecutive DER elements; false when one is not DER or bytes are
// left that are not an element.
func derElements(b []byte) ([]asn1.RawValue, bool) {
	var out []asn1.RawValue
	for len(b) > 0 {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(b, &v)
		if err != nil {
			return nil, false
		}
		out = append(out, v)
		b = rest
	}
	return out, true
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
