package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// ScanTool checks the text a tool shows the model for signs of tool poisoning and returns the
// reasons it found, as plain sentences, or nil. It reads the tool's description and every
// "description" and "title" string anywhere in the definition (parameter descriptions are a
// known hiding place), and every string, keys included, for invisible characters. raw is one
// tool object; bytes that are not JSON give nil. It is safe for concurrent use.
func ScanTool(raw json.RawMessage) []string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	prose := map[string]bool{} // schemas repeat descriptions; scan each text once
	hidden := map[string]bool{}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case string:
			if key == "description" || key == "title" {
				prose[v] = true
			}
			invisibleReasons(v, hidden)
		case map[string]any:
			for k, e := range v {
				invisibleReasons(k, hidden)
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk("", e)
			}
		}
	}
	walk("", v)
	var reasons []string
	for r := range hidden {
		reasons = append(reasons, r)
	}
	for p := range prose {
		reasons = append(reasons, ScanText(p)...)
	}
	slices.Sort(reasons)
	return slices.Compact(reasons)
}

// ScanText checks one piece of text (a tool or parameter description) for hidden instructions
// and returns the reasons, as plain sentences, or nil. Invisible characters are reported and
// also removed before the phrases are matched, so "ig\u200bnore previous" is still caught, and
// text hidden in Unicode tag characters is decoded and scanned too.
func ScanText(s string) []string {
	found := map[string]bool{}
	invisibleReasons(s, found)
	visible, tagged := splitHidden(s)
	text := visible + "\n" + tagged
	lower := strings.ToLower(text)
	flat := strings.Join(strings.Fields(lower), " ")
	for _, p := range phrasePatterns {
		if !containsAny(flat, p.needles) {
			continue
		}
		subject := flat
		if p.lines {
			subject = lower
		}
		for _, m := range p.re.FindAllStringSubmatch(subject, -1) {
			if p.accept != nil && !p.accept(m) {
				continue
			}
			found[p.reason(m)] = true
		}
	}
	if longSpaceRun.MatchString(s) {
		found["It contains a long run of spaces that can push text out of view."] = true
	}
	var reasons []string
	for r := range found {
		reasons = append(reasons, r)
	}
	slices.Sort(reasons)
	return reasons
}

var longSpaceRun = regexp.MustCompile(`[ \t\x{00a0}\x{3000}]{50,}`)

type phrasePattern struct {
	// needles are cheap substrings of which every match contains one; a text with none of
	// them skips the (much slower) regular expression.
	needles []string
	re      *regexp.Regexp
	lines   bool                    // match against the text with its line breaks kept
	accept  func(m []string) bool   // nil accepts every match
	reason  func(m []string) string // the plain sentence for a match
}

func fixed(s string) func([]string) string { return func([]string) string { return s } }

// notThisTool rejects a shadowing match whose subject is the tool itself.
func notThisTool(group int) func([]string) bool {
	return func(m []string) bool {
		switch strings.Trim(m[group], "`'\"") {
		case "this", "it", "the", "that", "tool", "function", "each", "any":
			return false
		}
		return true
	}
}

// negatable compiles expr behind an optional negation ("do not include API keys" is advice,
// not an attack); notNegated then drops the matches that carry one. Because matching is
// leftmost-first, a negated phrase is matched from its negation and so dropped whole.
func negatable(expr string) *regexp.Regexp {
	return regexp.MustCompile(`(\b(?:do not|don't|dont|never|must not|should not|not)\s+)?(?:` + expr + `)`)
}

func notNegated(m []string) bool { return m[1] == "" }

// phrasePatterns are matched against lower-cased text whose runs of white space are folded
// into one space (or, for lines patterns, against lower-cased text with line breaks kept).
// Each comes from a published poisoning technique; the benign tool lists in
// testdata/benign keep them honest.
var phrasePatterns = []phrasePattern{
	// Text addressed to the model with hidden instructions.
	{needles: []string{"<", "["},
		re: regexp.MustCompile(`<\s*/?\s*(important|system|instructions?|secret|hidden|admin|assistant|critical|system[_ -]?prompt)\s*>|<!--|\[/?(inst|system)\]|<<\s*/?sys\s*>>|<\|(im_start|im_end|system|assistant)\|>`),
		reason: func(m []string) string {
			tag := strings.NewReplacer("/", "", " ", "").Replace(strings.ToUpper(m[0]))
			return fmt.Sprintf("It contains %s, a tag used to hide instructions for the AI model.", tag)
		}},
	{needles: []string{"system", "developer", "you are now", "from now on", "instructions"},
		re:     regexp.MustCompile(`(?m)^\s*(#+\s*)?(system|developer)(\s+(prompt|message|override|instructions?))?\s*:|\bsystem (override|prompt override)\b|\bnew (system )?instructions\s*:|\byou are now (a|an|in)\b|\bfrom now on,? (you|always|never)\b`),
		lines:  true,
		reason: fixed("It pretends to be a system prompt giving the AI model new orders.")},
	{needles: []string{"ignore", "disregard", "forget", "override", "bypass"},
		re:     regexp.MustCompile(`\b(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+)*(previous|prior|above|earlier|preceding|original|system)(\s+\w+)?\s+(instructions?|prompts?|messages?|rules|directions|guidelines|context)\b`),
		reason: fixed("It tells the AI model to ignore its earlier instructions.")},
	{needles: []string{"not ", "n't", "never", "without", "hide", "conceal"},
		re:     regexp.MustCompile(`\b(do not|don't|dont|never|must not|should not)\s+(\w+\s+){0,3}?(tell|mention|inform|notify|reveal|disclose|show|alert|let)\b[^.]{0,60}\b(user|human|person|anyone)\b|\b(do not|don't|never)\s+(mention|reveal|disclose)\s+(this|that|it)\b|\bwithout\s+(telling|informing|notifying|asking|alerting)\s+(the\s+)?(user|human|person)\b|\bthe\s+user\s+(must|should|does|need)\s+not\s+(know|see|notice|be told)\b|\b(hide|conceal)\s+(this|it)\s+from\b`),
		reason: fixed("It tells the AI model to keep something from the user.")},
	{needles: []string{"before"},
		re:     regexp.MustCompile(`\bbefore\s+(using|calling|invoking|running|executing)\s+(this|the|any)\s+(tool|function)\b[^.]{0,120}?\b(read|open|cat|load|send|upload|pass|include)\b`),
		reason: fixed("It tells the AI model to read or send something before using the tool.")},
	// Shadowing: instructions about other tools.
	{needles: []string{"side"},
		re:     regexp.MustCompile(`\bside[ -]effects?\s+on\b[^.]{0,40}\btool\b`),
		reason: fixed("It tries to change how other tools behave (tool shadowing).")},
	{needles: []string{"when"},
		re:     regexp.MustCompile("\\bwhen\\s+(\\([^)]{1,40}\\)\\s*)?([a-z0-9_.`'\"-]+)\\s+(tool\\s+)?is\\s+(invoked|called|used|run|executed)\\b"),
		accept: notThisTool(2),
		reason: fixed("It tries to change how other tools behave (tool shadowing).")},
	{needles: []string{"tool"},
		re:     regexp.MustCompile("\\bthe\\s+([a-z0-9_.`'\"-]+)\\s+tool\\s+(must|should|has to|needs to)\\b"),
		accept: notThisTool(1),
		reason: fixed("It tries to change how other tools behave (tool shadowing).")},
	{needles: []string{"recipient", "destination", "address", "phone", "receiver", "to field", "all "},
		re:     regexp.MustCompile(`\b(change|set|replace|redirect|rewrite|override)\s+(the\s+|all\s+)?(recipients?|destination|to address|to field|phone number|email address|receiver)\b|\b(send|forward|bcc|cc|copy|route|redirect)\s+all\s+(emails?|messages?|mails?)\b`),
		reason: fixed("It tells the AI model to redirect messages to someone else.")},
	{needles: []string{"otherwise", "crash", "lost", "important"},
		re:     regexp.MustCompile(`\botherwise\s+(the|this)\s+(tool|function)\s+will\s+not\s+work\b|\b(system|application|app|server)\s+will\s+crash\b|\ball\s+(your\s+)?data\s+will\s+be\s+lost\b|\b(very\s+){2,}important\b`),
		reason: fixed("It pressures the AI model with made-up threats of failure.")},
	// Keys, dotfiles and client configuration files.
	{needles: []string{"~/", ".ssh", "id_", ".env", "credentials", ".json", ".netrc", ".npmrc", ".pgpass", ".gnupg", ".git-credentials", ".kube", ".docker", "/etc/"},
		re: regexp.MustCompile("~/\\.[a-z0-9_-]+(/[a-z0-9_.-]+)*|(^|[^a-z0-9_])\\.ssh\\b|\\bid_(rsa|dsa|ecdsa|ed25519)\\b|(^|[\\s/'\"`(])\\.env\\b|\\.aws/credentials|\\bcredentials\\.json\\b|\\b(mcp|claude_desktop_config)\\.json\\b|\\.(netrc|npmrc|pgpass|gnupg|git-credentials)\\b|\\.kube/config\\b|\\.docker/config\\.json|/etc/(passwd|shadow)\\b"),
		reason: func(m []string) string {
			return fmt.Sprintf("It mentions %s, a private file that holds keys, secrets or settings.", strings.Trim(m[0], " /'\"`("))
		}},
	{needles: []string{"key", "password", "token", "credential", "seed", "cookie"},
		re:     negatable(`\b(read|send|include|pass|copy|extract|upload|share|provide|paste|attach|leak|exfiltrate|collect|gather|harvest|dump)\b[^.]{0,60}?\b(private\s+keys?|ssh\s+keys?|api[ _-]?keys?|secret\s+keys?|passwords?|access\s+tokens?|auth(entication)?\s+tokens?|session\s+tokens?|credentials|seed\s+phrases?|cookies)\b`),
		accept: notNegated,
		reason: fixed("It asks the AI model to hand over keys, passwords or credentials.")},
	// Sending data elsewhere.
	{needles: []string{"http"},
		re:     negatable(`\b(send|post|upload|forward|transmit|submit|report|exfiltrate|leak|beacon)\b[^.]{0,80}?\bhttps?://|\b(curl|wget)\b[^.]{0,40}?https?://`),
		accept: notNegated,
		reason: fixed("It asks the AI model to send data to a web address.")},
	{needles: []string{"'", "\"", "`", "param", "argument", "field"},
		re:     negatable("\\b(pass|put|include|insert|embed|append|concatenate|concat|copy|attach)\\b[^.]{0,60}?\\b(contents?|output|results?|data|history|messages|conversation|files?|text)\\b[^.]{0,40}?\\b(as|in|into)\\s+(the\\s+)?(['\"`][a-z0-9_]+['\"`]|[a-z0-9_]+\\s+(parameter|argument|field|param))"),
		accept: notNegated,
		reason: fixed("It asks the AI model to smuggle data out through a tool argument.")},
	{needles: []string{"messages", "conversation", "chat"},
		re:     regexp.MustCompile(`\b(full|entire|complete|whole)\s+(list\s+of\s+)?(the\s+)?(last\s+|previous\s+|recent\s+|past\s+)?(messages|conversation|chat\s+history|chats|message\s+history)\b`),
		reason: fixed("It asks for the whole conversation or message history.")},
}

// invisibleReasons adds a reason for each kind of invisible or direction-changing character
// in s. Zero-width joiners between two symbols (emoji sequences) and variation selectors
// U+FE00–FE0F (emoji presentation) are ordinary and pass.
func invisibleReasons(s string, found map[string]bool) {
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r >= 0xE0000 && r <= 0xE007F:
			_, tagged := splitHidden(s)
			found[fmt.Sprintf("It hides text in invisible Unicode tag characters: %q.", clip(tagged, 80))] = true
		case isBidiControl(r):
			found["It contains Unicode direction controls that make the text read differently from how it looks."] = true
		case r == 0x200D && i > 0 && i+1 < len(rs) && isSymbol(rs[i-1]) && isSymbol(rs[i+1]):
		case r >= 0xFE00 && r <= 0xFE0F:
		case r >= 0xE0100 && r <= 0xE01EF, unicode.Is(unicode.Cf, r):
			found["It contains invisible characters (zero-width or formatting) that can hide text."] = true
		}
	}
}

func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

func isSymbol(r rune) bool { return unicode.Is(unicode.So, r) || (r >= 0x1F000 && r <= 0x1FAFF) }

// splitHidden returns s without its invisible characters, and the ASCII text smuggled in
// Unicode tag characters (U+E0020–E007E mirror ASCII 0x20–0x7E).
func splitHidden(s string) (visible, tagged string) {
	var v, t strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xE0020 && r <= 0xE007E:
			t.WriteRune(r - 0xE0000)
		case r >= 0xE0000 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF, unicode.Is(unicode.Cf, r):
		default:
			v.WriteRune(r)
		}
	}
	return v.String(), t.String()
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}
