package policy

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// ScanClass names a kind of tool poisoning, so a person (and the measurement in
// scan_corpus_test.go) can tell what a finding is about.
type ScanClass string

// The classes of findings. docs/scanner.md describes each with examples.
const (
	ClassInstruction  ScanClass = "instruction"     // orders addressed to the AI model
	ClassConcealment  ScanClass = "concealment"     // keeping something from the user
	ClassShadowing    ScanClass = "shadowing"       // rules about other tools
	ClassEscape       ScanClass = "terminal-escape" // escape sequences that hide or disguise text
	ClassPadding      ScanClass = "padding"         // runs of blank space, fake conversation turns
	ClassObfuscation  ScanClass = "obfuscation"     // invisible, look-alike or encoded text
	ClassExfiltration ScanClass = "exfiltration"    // private files, secrets, data sent elsewhere
	ClassHarmful      ScanClass = "harmful-action"  // plainly harmful orders without any marker
	ClassHiddenField  ScanClass = "hidden-field"    // prose where a person rarely looks
)

// scoreThreshold is the score at which a tool is flagged. Strong rules weigh 1 and flag on
// their own; weak signals weigh less, so no single word decides.
const scoreThreshold = 1.0

// A Finding is one reason the scanner distrusts a tool.
type Finding struct {
	Class ScanClass `json:"class"`
	Rule  string    `json:"rule"`
	// Field is where in the definition the text was found, as a JSON path
	// ("description", "inputSchema.properties.path.description", "name").
	Field string `json:"field"`
	// Reason is one plain sentence for a person.
	Reason string  `json:"reason"`
	Weight float64 `json:"weight"`
	// Via names how the text was hidden when it was ("base64", "ROT13", "leetspeak"…).
	Via string `json:"via,omitempty"`
}

// Sentence is the finding as one sentence naming its class and field, without the tool.
func (f Finding) Sentence() string {
	s := strings.TrimSuffix(f.Reason, ".")
	if f.Via != "" {
		s += ", hidden as " + f.Via
	}
	return fmt.Sprintf("%s (%s, in %s).", s, f.Class, fieldName(f.Field))
}

// A ScanReport is what the scanner found in one tool definition.
type ScanReport struct {
	Tool  string  `json:"tool"`
	Score float64 `json:"score"`
	// Flagged is Score ≥ the threshold: the tool should start at ask, with Findings shown.
	Flagged bool `json:"flagged"`
	// Findings are every signal seen, strongest first; on a tool that is not flagged they are
	// weak signals that did not add up.
	Findings []Finding `json:"findings,omitempty"`
}

// Sentences returns the findings of a flagged tool as sentences (see Finding.Sentence), or
// nil for a tool that is not flagged.
func (r ScanReport) Sentences() []string {
	if !r.Flagged {
		return nil
	}
	out := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		out = append(out, f.Sentence())
	}
	return slices.Compact(out)
}

// ScanTool checks a whole tool definition for signs of tool poisoning and returns, for a
// flagged tool, one sentence per finding (see ScanDefinition); nil when it is not flagged or
// raw is not a JSON object. It is safe for concurrent use.
func ScanTool(raw json.RawMessage) []string {
	key := sha256.Sum256(raw)
	if s, ok := scanCache.get(key); ok {
		return s
	}
	s := ScanDefinition(raw).Sentences()
	scanCache.put(key, s)
	return s
}

// scanCache keeps the verdicts on tool definitions already seen: servers list the same tools
// on every connection, and a tools/list answer should not wait for the same scan twice.
var scanCache = &verdictCache{m: map[[32]byte][]string{}}

// verdictCache is a bounded map, emptied when full. It is safe for concurrent use.
type verdictCache struct {
	mu sync.Mutex
	m  map[[32]byte][]string
}

const maxCachedVerdicts = 4096

func (c *verdictCache) get(k [32]byte) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[k]
	return slices.Clone(s), ok
}

func (c *verdictCache) put(k [32]byte, s []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedVerdicts {
		clear(c.m)
	}
	c.m[k] = slices.Clone(s)
}

// ScanDefinition reads every string of the tool definition raw (the description, the title,
// every parameter's name, description, enum, default, const, examples and pattern, $comment,
// _meta, annotations and members no specification names), normalises it (escape sequences,
// invisible and look-alike characters, compatibility forms, encoded payloads) and matches
// the scanner's rules. It makes no network request and is safe for concurrent use.
func ScanDefinition(raw json.RawMessage) ScanReport {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return ScanReport{}
	}
	var rep ScanReport
	if m, ok := v.(map[string]any); ok {
		rep.Tool, _ = m["name"].(string)
	}
	s := newScan()
	walkDefinition(v, "", func(field string, kind fieldKind, text string) {
		s.field(field, kind, text)
	})
	rep.Findings, rep.Score = s.result()
	rep.Flagged = rep.Score >= scoreThreshold
	return rep
}

// ScanText checks one piece of text as if it were a tool's description and returns the
// sentences of its findings when they add up to a flag, or nil.
func ScanText(text string) []string {
	s := newScan()
	s.field("description", kindProse, text)
	f, score := s.result()
	return ScanReport{Findings: f, Score: score, Flagged: score >= scoreThreshold}.Sentences()
}

// fieldName turns a JSON path into words for a person.
func fieldName(path string) string {
	switch path {
	case "description":
		return "the description"
	case "title", "annotations.title":
		return "the title"
	case "name":
		return "the tool name"
	}
	if p, ok := strings.CutPrefix(path, "inputSchema.properties."); ok {
		name, rest, _ := strings.Cut(p, ".")
		switch rest {
		case "":
			return fmt.Sprintf("the parameter name %q", name)
		case "description":
			return fmt.Sprintf("the description of parameter %q", name)
		}
		return fmt.Sprintf("the %s of parameter %q", rest, name)
	}
	return "field " + path
}
