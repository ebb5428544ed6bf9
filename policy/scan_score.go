package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// scan gathers the findings of one tool definition, field by field, and scores them.
type scan struct {
	seen     map[string]bool // texts already scanned (schemas repeat descriptions)
	findings []Finding
}

func newScan() *scan { return &scan{seen: map[string]bool{}} }

// field scans one string of the definition found at path.
func (s *scan) field(path string, kind fieldKind, text string) {
	if text == "" {
		return
	}
	key := fmt.Sprint(kind) + "\x00" + text
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	if kind == kindName {
		for _, f := range nameFindings(text) {
			f.Field = path
			s.findings = append(s.findings, f)
		}
		return
	}
	for _, f := range textFindings(text, kind) {
		f.Field = path
		s.findings = append(s.findings, f)
	}
}

// result returns the findings, strongest first, and the score: the sum over rules of the
// strongest finding of each, so repeating one phrase adds nothing.
func (s *scan) result() ([]Finding, float64) {
	best := map[string]float64{}
	for _, f := range s.findings {
		best[f.Rule] = max(best[f.Rule], f.Weight)
	}
	score := 0.0
	for _, w := range best {
		score += w
	}
	out := slices.Clone(s.findings)
	slices.SortStableFunc(out, func(a, b Finding) int {
		switch {
		case a.Weight > b.Weight:
			return -1
		case a.Weight < b.Weight:
			return 1
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	// One finding per rule and field is enough for a person.
	out = slices.CompactFunc(out, func(a, b Finding) bool { return a.Rule == b.Rule && a.Field == b.Field && a.Reason == b.Reason })
	return out, score
}

var (
	spaceRun   = lazyRegexp(`[ \t\x{00a0}\x{2000}-\x{200a}\x{3000}]{40,}`)
	newlineRun = lazyRegexp(`(?:[ \t]*\r?\n){10,}`)
	wsRun      = lazyRegexp(`\s+`)
	hSpaceRun  = lazyRegexp(`[ \t]+`)
	leetWord   = lazyRegexp(`\b[a-z]*[a-z][0-9@$][a-z0-9@$]*\b|\b[0-9@$]+[a-z][a-z0-9@$]*\b`)
	proseWords = lazyRegexp(`[a-z]{2,}`)
	// spacedLetters is a run of single characters with spaces between ("r e a d ~ / . s s h").
	spacedLetters = lazyRegexp(`(?:\S ){8,}\S`)
)

// textFindings runs every rule over every view of text.
func textFindings(raw string, kind fieldKind) []Finding {
	var out []Finding
	add := func(class ScanClass, rule string, w float64, reason string) {
		out = append(out, Finding{Class: class, Rule: rule, Weight: w, Reason: reason})
	}
	plain, marks := normalise(raw)
	if marks.escapes {
		add(ClassEscape, "terminal-escape", 1, "It contains terminal escape sequences that can hide or disguise text on a screen.")
	}
	if marks.tagged != "" {
		add(ClassObfuscation, "tag-characters", 1, fmt.Sprintf("It hides text in invisible Unicode tag characters: %q.", clip(marks.tagged, 80)))
	}
	if marks.invisible {
		add(ClassObfuscation, "invisible-characters", 1, "It contains invisible characters (zero-width or formatting) that can hide text.")
	}
	if marks.bidi {
		add(ClassObfuscation, "direction-controls", 1, "It contains Unicode direction controls that make the text read differently from how it looks.")
	}
	if marks.homoglyphs {
		add(ClassObfuscation, "homoglyphs", 1, "It mixes Latin letters with Greek or Cyrillic look-alikes, a way to slip words past a filter.")
	}
	if marks.wide {
		add(ClassObfuscation, "wide-letters", 0.5, "It writes words in full-width letters, a way to slip words past a filter.")
	}
	if spaceRun().MatchString(raw) {
		add(ClassPadding, "space-padding", 1, "It contains a long run of spaces that can push text out of view.")
	}
	if newlineRun().MatchString(raw) {
		add(ClassPadding, "newline-padding", 1, "It contains a long run of blank lines that can push text out of view.")
	}
	if kind == kindValue && len(strings.Fields(plain)) >= 6 && len(proseWords().FindAllStringIndex(plain, 8)) >= 6 {
		add(ClassHiddenField, "prose-in-value", 0.4, "It holds sentences in a schema field that a person rarely sees.")
	}

	found := matchRules(plain, "")
	out = append(out, found...)
	fired := map[string]bool{}
	for _, f := range found {
		fired[f.Rule] = true
	}
	// Hidden payloads: the same rules over the decoded text; what they find that the plain text
	// did not show is reported with how it was hidden.
	var hidden []view
	hidden = append(hidden, decodedPayloads(raw)...)
	if digitInWord(plain) && len(leetWord().FindAllString(plain, 4)) >= 3 {
		if folded, changed := leetFold(plain); changed {
			hidden = append(hidden, view{text: folded, via: "leetspeak"})
		}
	}
	if r := rot13(plain); commonWords(r) > 2*commonWords(plain)+1 {
		hidden = append(hidden, view{text: r, via: "ROT13"})
	}
	if spacedLetters().MatchString(plain) {
		collapsed := strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(plain, "  ", "\x00"), " ", ""), "\x00", " ")
		hidden = append(hidden, view{text: collapsed, via: "spaced-out letters"})
	}
	if r := reverse(plain); commonWords(r) > 2*commonWords(plain)+1 {
		hidden = append(hidden, view{text: r, via: "reversed text"})
	}
	obfuscated := ""
	for _, h := range hidden {
		for _, f := range matchRules(h.text, h.via) {
			if fired[f.Rule] || f.Weight < 0.5 {
				continue
			}
			fired[f.Rule] = true
			out = append(out, f)
			obfuscated = h.via
		}
	}
	if obfuscated != "" {
		add(ClassObfuscation, "encoded-payload", 1, fmt.Sprintf("It hides instructions as %s.", obfuscated))
	}
	return out
}

// commonWords counts a few of the commonest English words in s, up to 6: a ROT13 payload
// has them only once rotated back.
func commonWords(s string) int {
	n := 0
	for _, w := range []string{" the ", " and ", " to ", " you ", " of ", " your ", " all ", " this ", " user"} {
		n += strings.Count(s, w)
		if n >= 6 {
			return 6
		}
	}
	return n
}

// reverse returns s with its characters in reverse order.
func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// digitInWord reports a digit right next to a letter, the mark of leetspeak (and of ids).
func digitInWord(s string) bool {
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		if (a >= '0' && a <= '9' && b >= 'a' && b <= 'z') || (b >= '0' && b <= '9' && a >= 'a' && a <= 'z') {
			return true
		}
	}
	return false
}

// matchRules runs scanRules over one normalised text, a sentence (or, for rules about
// lines, a line) at a time: every rule's window stays inside a sentence, short inputs let the
// regular expressions run several times faster, and a rule runs only on the sentences that
// hold its needles.
func matchRules(text, via string) []Finding {
	flat := wsRun().ReplaceAllString(text, " ")
	sentences, ends := splitSentences(flat)
	idx := ruleNeedles()
	whole, parts := idx.index.scan(flat, ends)
	var lines []string
	var out []Finding
	for ri, r := range scanRules {
		rn := idx.rules[ri]
		if len(rn.needles) > 0 && !whole.anyOf(rn.needles) || len(rn.also) > 0 && !whole.anyOf(rn.also) {
			continue
		}
		subjects := sentences
		if r.lines {
			if lines == nil {
				lines = strings.Split(hSpaceRun().ReplaceAllString(text, " "), "\n")
			}
			subjects = lines
		}
		n := 0
		for si, subject := range subjects {
			if r.lines {
				if len(r.needles) > 0 && !containsAny(subject, r.needles) || len(r.also) > 0 && !containsAny(subject, r.also) {
					continue
				}
			} else if len(rn.needles) > 0 && !parts[si].anyOf(rn.needles) || len(rn.also) > 0 && !parts[si].anyOf(rn.also) {
				continue
			}
			for _, m := range r.re.FindAllStringSubmatchIndex(subject, 8) {
				if r.negatable && negatedAt(subject, m[0]) {
					continue
				}
				if r.accept != nil && !r.accept(subject, m) {
					continue
				}
				f := Finding{Class: r.class, Rule: r.name, Weight: r.weight, Via: via, Reason: matchReason(r, subject[m[0]:m[1]])}
				if r.name == "system-file" && systemFileWrite(subject, m[0]) {
					f.Rule, f.Weight = "system-file-write", 1
					f.Reason = "It tells the AI model to change a system file that controls the whole machine."
				}
				if r.name == "sensitive-file" {
					switch {
					case sensitiveAccess(subject, m[0]):
						f.Rule, f.Weight = "sensitive-file-access", 1
						f.Reason = strings.Replace(f.Reason, "It mentions", "It asks the AI model to read or send", 1)
					case sensitiveOffLimits(subject, m[0]):
						f.Weight = 0.2
					}
				}
				out = append(out, f)
				if n++; n >= 8 {
					break
				}
			}
		}
	}
	return out
}

// ruleNeedleIDs are one rule's needles as ids of the shared automaton.
type ruleNeedleIDs struct{ needles, also []int }

var (
	ruleNeedlesOnce sync.Once
	ruleNeedlesIdx  struct {
		index *needleIndex
		rules []ruleNeedleIDs
	}
)

// ruleNeedles compiles, once, every rule's regular expression and builds the automaton over
// their needles (the rules are complete only after every init function has run, so this
// cannot be a package variable; and a process that never scans never pays for it).
func ruleNeedles() *struct {
	index *needleIndex
	rules []ruleNeedleIDs
} {
	ruleNeedlesOnce.Do(func() {
		for i := range scanRules {
			scanRules[i].re = regexp.MustCompile(scanRules[i].expr)
		}
		var all []string
		for _, r := range scanRules {
			all = append(all, r.needles...)
			all = append(all, r.also...)
		}
		x := newNeedleIndex(all)
		ruleNeedlesIdx.index = x
		for _, r := range scanRules {
			ruleNeedlesIdx.rules = append(ruleNeedlesIdx.rules, ruleNeedleIDs{x.idsOf(r.needles), x.idsOf(r.also)})
		}
	})
	return &ruleNeedlesIdx
}

// splitSentences cuts flat text after each sentence end (see clause): ". ", "; ", "! ", "? ".
// ends are the offsets in s where each sentence (with the space after it) ends.
func splitSentences(s string) (sentences []string, ends []int) {
	start := 0
	for i := 0; i+1 < len(s); i++ {
		switch s[i] {
		case '.', ';', '!', '?':
			if s[i+1] == ' ' {
				sentences = append(sentences, s[start:i+1])
				ends = append(ends, i+2)
				start = i + 2
			}
		}
	}
	return append(sentences, s[start:]), append(ends, len(s))
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
