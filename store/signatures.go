package store

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// npm registries sign each published version (see docs.npmjs.com, "About ECDSA registry
// signatures"): dist.signatures holds {keyid, sig}, sig being a base64 ASN.1 ECDSA P-256
// signature over SHA-256 of "<name>@<version>:<dist.integrity>", made with one of the keys
// the registry publishes at /-/npm/v1/keys. checkNpm verifies that for every package in the
// lock, and that the lock's checksum is the one the registry signed. npm itself checked each
// downloaded tarball against the lock's checksum while installing.
//
// The keys come from the registry over HTTPS, as npm fetches them when the registry is not
// the public one: a signature shows the package is what that registry published, not more.

// npmKey is one of a registry's signing keys.
type npmKey struct {
	KeyID   string     `json:"keyid"`
	KeyType string     `json:"keytype"`
	Scheme  string     `json:"scheme"`
	Key     string     `json:"key"` // base64 DER SubjectPublicKeyInfo
	Expires *time.Time `json:"expires"`

	pub *ecdsa.PublicKey
}

// versionDoc is the part of a version's registry document checkNpm reads.
type versionDoc struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Dist    struct {
		Integrity  string `json:"integrity"`
		Signatures []struct {
			KeyID string `json:"keyid"`
			Sig   string `json:"sig"`
		} `json:"signatures"`
		Attestations *struct {
			URL        string `json:"url"`
			Provenance struct {
				PredicateType string `json:"predicateType"`
			} `json:"provenance"`
		} `json:"attestations"`
	} `json:"dist"`
}

type npmCheck struct {
	lines      []string // progress sentences
	provenance string   // the source repository the registry's provenance names
}

// NoSignatures is said when a registry publishes no signing keys.
const NoSignatures = "This registry does not sign packages; MCP Tray checked each package's checksum against the lock."

func (s *Store) checkNpm(ctx context.Context, registry string, l npmLock, top lockedPackage) (npmCheck, error) {
	var c npmCheck
	keys, err := s.npmKeys(ctx, registry)
	if err != nil {
		return c, err
	}
	topDoc, err := s.checkSignatures(ctx, registry, keys, l, top)
	if err != nil {
		return c, err
	}
	if len(keys) == 0 {
		c.lines = append(c.lines, NoSignatures)
	} else {
		c.lines = append(c.lines, fmt.Sprintf("The registry's signatures of all %d packages were checked.", len(l.packages)))
	}
	if topDoc == nil {
		if topDoc, err = s.versionDoc(ctx, registry, top.Name, top.Version); err != nil {
			// Provenance is only reported; without the document there is nothing to say.
			c.lines = append(c.lines, fmt.Sprintf("MCP Tray could not read whether %s records its source (%v).", top.Name, err))
			return c, nil
		}
	}
	repo, line, err := s.provenance(ctx, topDoc, top)
	if err != nil {
		return c, err
	}
	c.provenance = repo
	c.lines = append(c.lines, line)
	return c, nil
}

// checkSignatures verifies each locked package's registry signature when the registry has
// keys, returning the top package's document (nil when there were no keys to check with).
func (s *Store) checkSignatures(ctx context.Context, registry string, keys map[string]*npmKey, l npmLock, top lockedPackage) (*versionDoc, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu     sync.Mutex
		first  error
		topDoc *versionDoc
		wg     sync.WaitGroup
		slots  = make(chan struct{}, 8)
	)
	for _, p := range l.packages {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			doc, err := s.verifyPackage(ctx, registry, keys, p)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
				cancel()
			}
			if p == top {
				topDoc = doc
			}
		})
	}
	wg.Wait()
	return topDoc, first
}

// verifyPackage checks one package's signature and that its checksum is the lock's.
func (s *Store) verifyPackage(ctx context.Context, registry string, keys map[string]*npmKey, p lockedPackage) (*versionDoc, error) {
	doc, err := s.versionDoc(ctx, registry, p.Name, p.Version)
	if err != nil {
		return nil, err
	}
	id := p.Name + "@" + p.Version
	if doc.Dist.Integrity != p.Integrity {
		return nil, fmt.Errorf("the registry's checksum of %s is not the one npm installed; MCP Tray did not install it", id)
	}
	if len(doc.Dist.Signatures) == 0 {
		return nil, fmt.Errorf("%s has no registry signature, though the registry signs its packages; MCP Tray did not install it", id)
	}
	msg := []byte(id + ":" + doc.Dist.Integrity)
	digest := sha256.Sum256(msg)
	for _, sig := range doc.Dist.Signatures {
		k := keys[sig.KeyID]
		if k == nil {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(sig.Sig)
		if err != nil {
			continue
		}
		if ecdsa.VerifyASN1(k.pub, digest[:], raw) {
			if k.Expires != nil && time.Now().After(*k.Expires) {
				if err := s.publishedBefore(ctx, registry, p, *k.Expires); err != nil {
					return nil, err
				}
			}
			return doc, nil
		}
	}
	return nil, fmt.Errorf("the registry signature of %s does not match it: it may have been tampered with; MCP Tray did not install it", id)
}

// publishedBefore checks that a version signed with a key that has since expired was
// published while the key was valid.
func (s *Store) publishedBefore(ctx context.Context, registry string, p lockedPackage, expires time.Time) error {
	var doc struct {
		Time map[string]time.Time `json:"time"`
	}
	if err := s.getJSON(ctx, registry, packagePath(p.Name), &doc); err != nil {
		return err
	}
	if t, ok := doc.Time[p.Version]; !ok || t.After(expires) {
		return fmt.Errorf("%s@%s is signed with a key that had expired when it was published; MCP Tray did not install it", p.Name, p.Version)
	}
	return nil
}

// npmKeys reads the registry's signing keys; a registry without any (404) returns none.
func (s *Store) npmKeys(ctx context.Context, registry string) (map[string]*npmKey, error) {
	var doc struct {
		Keys []*npmKey `json:"keys"`
	}
	err := s.getJSON(ctx, registry, "-/npm/v1/keys", &doc)
	if errors.Is(err, errNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	keys := map[string]*npmKey{}
	for _, k := range doc.Keys {
		der, err := base64.StdEncoding.DecodeString(k.Key)
		if err != nil {
			continue
		}
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			continue
		}
		if ec, ok := pub.(*ecdsa.PublicKey); ok && k.KeyID != "" {
			k.pub = ec
			keys[k.KeyID] = k
		}
	}
	if len(keys) == 0 && len(doc.Keys) > 0 {
		return nil, errors.New("the registry publishes signing keys MCP Tray cannot read, so its signatures could not be checked")
	}
	return keys, nil
}

func (s *Store) versionDoc(ctx context.Context, registry, name, version string) (*versionDoc, error) {
	var doc versionDoc
	if err := s.getJSON(ctx, registry, packagePath(name)+"/"+url.PathEscape(version), &doc); err != nil {
		return nil, err
	}
	if doc.Name != "" && doc.Name != name || doc.Version != "" && doc.Version != version {
		return nil, fmt.Errorf("the registry answered for another package than %s@%s", name, version)
	}
	return &doc, nil
}

// packagePath is a package name as registry URLs spell it ("@scope%2fname").
func packagePath(name string) string {
	return strings.Replace(url.PathEscape(name), "%40", "@", 1)
}

var errNotFound = errors.New("not found")

// getJSON reads registry/path into v; a 404 is errNotFound.
func (s *Store) getJSON(ctx context.Context, registry, path string, v any) error {
	u := strings.TrimSuffix(registry, "/") + "/" + path
	return s.getURL(ctx, u, v)
}

func (s *Store) getURL(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	client := s.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("the registry could not be reached to check signatures (%v)", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return errNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the registry answered %s when MCP Tray checked signatures", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("reading the registry's answer: %w", err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("the registry sent an answer MCP Tray could not read (%v)", err)
	}
	return nil
}
