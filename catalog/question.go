package catalog

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Question kinds: how a face asks the question (Question.Kind). One kind per question, from
// its data: the first that applies of secret, choice, checkbox, folder, number, text.
const (
	KindText     = "text"     // a line of text
	KindSecret   = "secret"   // a hidden line; the answer goes to the system keychain
	KindChoice   = "choice"   // one of Question.Choices
	KindCheckbox = "checkbox" // ticked means "true", empty means "false"
	KindPath     = "path"     // a file or folder on this computer (format filepath)
	KindNumber   = "number"   // a number
)

// kindOf is the kind of a question as the entry declares it.
func kindOf(q Question) string {
	switch {
	case q.Secret:
		return KindSecret
	case len(q.Choices) > 0:
		return KindChoice
	case q.Format == FormatBoolean:
		return KindCheckbox
	case q.Format == FormatFilepath:
		return KindPath
	case q.Format == FormatNumber:
		return KindNumber
	}
	return KindText
}

// plainQuestions gives every question its kind and, for a checkbox, a description that says
// what ticking it does: servers write "Set to true to only allow looking." for a setting
// that is a switch, which a person with a checkbox in front of them has to translate.
func plainQuestions(qs []Question) {
	for i := range qs {
		qs[i].Kind = kindOf(qs[i])
		if qs[i].Kind == KindCheckbox {
			qs[i].Description = checkboxDescription(qs[i].Description)
		}
	}
}

var (
	// setToTrue is how a description says what the setting does when true: "Set to true to
	// x", "Set this to 'true' to x", "If true, x", "When enabled, x", "Whether to x".
	setToTrue = regexp.MustCompile(`(?i)^\s*(?:(?:set|change)\s+(?:this\s+|it\s+)?to\s+["'\x60]?(?:true|yes|1|on)["'\x60]?\s+(?:to\s+|if\s+you\s+want\s+to\s+)?|(?:if|when)\s+(?:set\s+to\s+)?(?:true|enabled|set|on)\s*,\s*|whether\s+to\s+)`)
	// setToFalse is a sentence about the unticked state, which the checkbox itself shows.
	setToFalse = regexp.MustCompile(`(?i)(?:^|\s)(?:set|change)\s+(?:this\s+|it\s+)?to\s+["'\x60]?(?:false|no|0|off)["'\x60]?\b[^.]*\.?`)
	// defaultsTo is a sentence naming the default, which the checkbox's starting state shows.
	defaultsTo = regexp.MustCompile(`(?i)(?:^|\s)\(?(?:defaults?(?:\s+(?:to|is))?|by\s+default\s+it\s+is)\s*:?\s*["'\x60]?(?:true|false)["'\x60]?\s*\)?\.?`)
)

// checkboxDescription rewrites a switch's description to say what ticking it does, in
// plain words: "Set to true to only allow looking." → "Only allow looking."; sentences
// about the unticked state or the default are dropped. Text it does not recognize is kept.
func checkboxDescription(d string) string {
	out := setToFalse.ReplaceAllString(d, "")
	out = defaultsTo.ReplaceAllString(out, "")
	if loc := setToTrue.FindStringIndex(out); loc != nil {
		out = out[loc[1]:]
	}
	out = strings.TrimSpace(out)
	if out == "" {
		return strings.TrimSpace(d)
	}
	r, n := utf8.DecodeRuneInString(out)
	return string(unicode.ToUpper(r)) + out[n:]
}
