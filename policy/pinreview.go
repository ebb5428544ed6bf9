package policy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"
)

// PinReview is what the person sees before accepting a changed tool: the pinned definition
// and the one the server presents now, both canonical JSON, and the paths of what differs
// (for example "description" or "annotations.destructiveHint").
type PinReview struct {
	Server, Tool   string
	Old, New       json.RawMessage
	OldFingerprint string
	NewFingerprint string // pass to Engine.AcceptPin, or pass Fingerprint
	Changes        []string
	PinnedAt       time.Time
	SeenAt         time.Time
	// Fingerprint is the code the person is shown for the new definition (the first
	// ShortFingerprintLen hex digits of NewFingerprint) and copies to accept exactly it.
	Fingerprint string `json:"fingerprint"`
}

// ShortFingerprintLen is how many hex digits of a fingerprint the person is shown and types
// back to accept a change: 64 bits, so that a server cannot prepare, in any useful time, a
// second definition that shows the same code.
const ShortFingerprintLen = 16

// ShortFingerprint returns the code shown for a fingerprint (see PinReview.Fingerprint).
func ShortFingerprint(fp string) string {
	if len(fp) > ShortFingerprintLen {
		return fp[:ShortFingerprintLen]
	}
	return fp
}

// Review returns the difference between a tool's pin and the changed definition its server
// presents. It fails with ErrNoPinChange when there is nothing to review.
func (s *PinStore) Review(server, tool string) (PinReview, error) {
	p, ok := s.Pin(server, tool)
	if !ok || p.Changed == nil {
		return PinReview{}, fmt.Errorf("reviewing %s of %s: %w", tool, server, ErrNoPinChange)
	}
	return PinReview{
		Server: server, Tool: tool,
		Old: p.Definition, New: p.Changed.Definition,
		OldFingerprint: p.Fingerprint, NewFingerprint: p.Changed.Fingerprint,
		Changes:  jsonChanges(p.Definition, p.Changed.Definition),
		PinnedAt: p.PinnedAt, SeenAt: p.Changed.SeenAt,
		Fingerprint: ShortFingerprint(p.Changed.Fingerprint),
	}, nil
}

// jsonChanges lists the paths at which two JSON documents differ, in order.
func jsonChanges(a, b json.RawMessage) []string {
	var x, y any
	_ = json.Unmarshal(a, &x)
	_ = json.Unmarshal(b, &y)
	var out []string
	diffValues("", x, y, &out)
	return out
}

func diffValues(path string, x, y any, out *[]string) {
	xm, xok := x.(map[string]any)
	ym, yok := y.(map[string]any)
	if xok && yok {
		keys := make([]string, 0, len(xm)+len(ym))
		for k := range xm {
			keys = append(keys, k)
		}
		for k := range ym {
			if _, ok := xm[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			diffValues(p, xm[k], ym[k], out)
		}
		return
	}
	xa, xok := x.([]any)
	ya, yok := y.([]any)
	if xok && yok && len(xa) == len(ya) {
		for i := range xa {
			diffValues(path+"["+strconv.Itoa(i)+"]", xa[i], ya[i], out)
		}
		return
	}
	if !reflect.DeepEqual(x, y) {
		*out = append(*out, path)
	}
}
