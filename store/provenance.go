package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/internal/display"
)

// provenance reads the SLSA provenance statement the registry keeps for the top package
// (dist.attestations), checks that its subject is the very tarball installed (its sha512
// equals the lock's checksum) and returns the source repository it names, with the sentence
// to show. The statement's Sigstore signature and certificate are not checked here (that
// needs Sigstore's trust root, which MCP Tray does not carry), so the sentence says what the
// registry records, not that the source was verified.
func (s *Store) provenance(ctx context.Context, doc *versionDoc, top lockedPackage) (repo, line string, err error) {
	id := display.Line(top.Name + "@" + top.Version) // the registry's words, made safe to print
	if doc.Dist.Attestations == nil || doc.Dist.Attestations.URL == "" {
		return "", fmt.Sprintf("%s has no provenance: the registry does not record which source it was built from.", id), nil
	}
	var att struct {
		Attestations []struct {
			PredicateType string `json:"predicateType"`
			Bundle        struct {
				DSSEEnvelope struct {
					Payload     string `json:"payload"`
					PayloadType string `json:"payloadType"`
				} `json:"dsseEnvelope"`
			} `json:"bundle"`
		} `json:"attestations"`
	}
	if err := s.getURL(ctx, doc.Dist.Attestations.URL, &att); err != nil {
		if errors.Is(err, errNotFound) {
			return "", fmt.Sprintf("%s names a provenance record the registry does not have; nothing records which source it was built from.", id), nil
		}
		return "", "", err
	}
	want, ok := sha512Hex(top.Integrity)
	if !ok {
		return "", fmt.Sprintf("%s has no sha512 checksum to compare its provenance with.", id), nil
	}
	for _, a := range att.Attestations {
		if !strings.HasPrefix(a.PredicateType, "https://slsa.dev/provenance/") {
			continue
		}
		payload, err := base64.StdEncoding.DecodeString(a.Bundle.DSSEEnvelope.Payload)
		if err != nil {
			continue
		}
		st, err := readStatement(payload)
		if err != nil {
			continue
		}
		if !st.covers(want) {
			return "", "", fmt.Errorf("the provenance record of %s is for another file than the one installed; MCP Tray did not install it", id)
		}
		if st.repository == "" {
			return "", fmt.Sprintf("The registry keeps a provenance record for %s, but it names no source repository.", id), nil
		}
		return st.repository, fmt.Sprintf("The registry records that %s was built from %s (its signing certificate was not checked).", id, display.Line(st.repository)), nil
	}
	return "", fmt.Sprintf("%s has no provenance: the registry does not record which source it was built from.", id), nil
}

type statement struct {
	digests    []string // sha512 hex of each subject
	repository string
}

func (s statement) covers(sha512 string) bool {
	for _, d := range s.digests {
		if strings.EqualFold(d, sha512) {
			return true
		}
	}
	return false
}

// readStatement reads an in-toto statement with SLSA provenance v1 (or v0.2).
func readStatement(b []byte) (statement, error) {
	var doc struct {
		Subject []struct {
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
		Predicate struct {
			BuildDefinition struct {
				ExternalParameters struct {
					Workflow struct {
						Repository string `json:"repository"`
					} `json:"workflow"`
				} `json:"externalParameters"`
			} `json:"buildDefinition"`
			Invocation struct {
				ConfigSource struct {
					URI string `json:"uri"`
				} `json:"configSource"`
			} `json:"invocation"`
		} `json:"predicate"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		return statement{}, err
	}
	var st statement
	for _, sub := range doc.Subject {
		st.digests = append(st.digests, sub.Digest["sha512"])
	}
	st.repository = doc.Predicate.BuildDefinition.ExternalParameters.Workflow.Repository
	if st.repository == "" {
		uri := doc.Predicate.Invocation.ConfigSource.URI // git+https://github.com/o/r@refs/...
		uri = strings.TrimPrefix(uri, "git+")
		if i := strings.Index(uri, "@"); i > 0 {
			uri = uri[:i]
		}
		st.repository = uri
	}
	return st, nil
}

// sha512Hex turns an npm integrity string "sha512-<base64>" into hex.
func sha512Hex(integrity string) (string, bool) {
	for _, part := range strings.Fields(integrity) {
		if b64, ok := strings.CutPrefix(part, "sha512-"); ok {
			raw, err := base64.StdEncoding.DecodeString(b64)
			if err == nil {
				return hex.EncodeToString(raw), true
			}
		}
	}
	return "", false
}
