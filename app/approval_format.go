package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

// How much of an argument the prompt shows before folding it behind "Show all", and how
// much of the tool's description before "Show full description": the arguments always come
// first and a long description must not push them out of view.
const (
	foldChars     = 240 // characters
	foldLines     = 4   // lines
	descFoldChars = 300
	descFoldLines = 3
	// maxArgDepth bounds how deep nested objects are spread into fields; deeper values are
	// shown as indented JSON.
	maxArgDepth = 4
)

// argField is one argument of a held call, ready to show: Key is its path in plain words
// ("options › recursive"), Value the full text, Short the folded text when Value is long
// (empty when it is short enough to show whole).
type argField struct {
	Key   string
	Value string
	Short string
}

// argFields turns a call's arguments (canonical JSON, already redacted) into readable fields:
// nested objects and arrays are spread into paths, strings are shown without quotes, long
// values are folded. Every field is listed, however many there are: a field the person cannot
// see is one they did not approve. Keys and values come from the AI app, so their control,
// bidirectional and invisible characters are shown escaped (display). It never fails:
// arguments that are not a JSON object are one field.
func argFields(raw json.RawMessage) []argField {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := dec.Decode(&v); err != nil {
		return []argField{fold("arguments", display.Text(string(raw)))}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []argField{fold("arguments", scalarText(v))}
	}
	var out []argField
	spread(&out, "", obj, 0)
	return out
}

// spread appends the fields of v under the path prefix, objects in key order.
func spread(out *[]argField, prefix string, v any, depth int) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			*out = append(*out, fold(orArguments(prefix), "(empty)"))
			return
		}
		if depth >= maxArgDepth {
			*out = append(*out, fold(orArguments(prefix), indented(x)))
			return
		}
		for _, k := range sortedKeys(x) {
			spread(out, join(prefix, display.Line(k)), x[k], depth+1)
		}
	case []any:
		if len(x) == 0 {
			*out = append(*out, fold(orArguments(prefix), "(empty list)"))
			return
		}
		if allScalars(x) {
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = scalarText(e)
			}
			*out = append(*out, fold(orArguments(prefix), strings.Join(parts, ", ")))
			return
		}
		if depth >= maxArgDepth {
			*out = append(*out, fold(orArguments(prefix), indented(x)))
			return
		}
		for i, e := range x {
			spread(out, join(prefix, strconv.Itoa(i+1)), e, depth+1)
		}
	default:
		*out = append(*out, fold(orArguments(prefix), scalarText(x)))
	}
}

func orArguments(prefix string) string {
	if prefix == "" {
		return "arguments"
	}
	return prefix
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + " › " + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // byte order, as canonical JSON sorts them
	return keys
}

func allScalars(xs []any) bool {
	for _, x := range xs {
		switch x.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// scalarText shows a JSON scalar the way a person reads it: strings without quotes, empty
// strings and null in words.
func scalarText(v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		if x == "" {
			return "(empty text)"
		}
		return display.Text(x)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case json.Number:
		return x.String()
	}
	return indented(v)
}

// indented is v as indented JSON. encoding/json writes control characters as \u escapes
// but leaves bidirectional and invisible ones as they are, so it goes through display too.
func indented(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return display.Text(fmt.Sprint(v))
	}
	return display.Text(string(b))
}

// fold makes a field, folding its value when it is longer than foldChars characters or
// foldLines lines.
func fold(key, value string) argField {
	f := argField{Key: key, Value: value}
	short, folded := foldText(value)
	if folded {
		f.Short = short
	}
	return f
}

// foldText returns the start of s that the prompt shows folded, and whether s needed folding.
func foldText(s string) (string, bool) { return foldAt(s, foldLines, foldChars) }

// foldAt returns the first maxLines lines of s, at most maxChars characters of them, and
// whether that is less than s.
func foldAt(s string, maxLines, maxChars int) (string, bool) {
	lines := strings.SplitAfter(s, "\n")
	cut := s
	if len(lines) > maxLines {
		cut = strings.TrimRight(strings.Join(lines[:maxLines], ""), "\n")
	}
	if utf8.RuneCountInString(cut) > maxChars {
		r := []rune(cut)
		cut = string(r[:maxChars])
	}
	if cut == s {
		return s, false
	}
	return strings.TrimRight(cut, " \n") + " …", true
}

// manyFields is how many argument fields fit the prompt without scrolling, about.
const manyFields = 8

// argsHeading heads the arguments; with many fields it says how many, so that the person knows
// to scroll for the rest.
func argsHeading(n int) string {
	if n <= manyFields {
		return "What it will be given"
	}
	return fmt.Sprintf("What it will be given: %d values (scroll to see every one)", n)
}

// descNote is the description's "Show full description" button, with its length.
func descNote(full string) string {
	if lines := strings.Count(full, "\n") + 1; lines > 1 {
		return fmt.Sprintf("Show full description (%d lines)", lines)
	}
	return fmt.Sprintf("Show full description (%d characters)", utf8.RuneCountInString(full))
}

// foldNote says how much a folded value hides, for its "Show all" button.
func foldNote(f argField) string {
	n := utf8.RuneCountInString(f.Value)
	lines := strings.Count(f.Value, "\n") + 1
	if lines > 1 {
		return fmt.Sprintf("Show all (%d lines)", lines)
	}
	return fmt.Sprintf("Show all (%d characters)", n)
}

// countdown says how long the person has left to answer, in words.
func countdown(left time.Duration) string {
	if left <= 0 {
		return "Time is up: MCP Tray stopped the call without running it."
	}
	secs := int((left + time.Second - 1) / time.Second) // round up: "1 s" until it is over
	if secs < 60 {
		return fmt.Sprintf("Denied automatically in %d s unless you answer.", secs)
	}
	return fmt.Sprintf("Denied automatically in %d min %02d s unless you answer.", secs/60, secs%60)
}

// clientNames maps the names AI clients give themselves to the names people know them by.
var clientNames = map[string]string{
	"claude-ai":             "Claude Desktop",
	"claude-code":           "Claude Code",
	"cursor-vscode":         "Cursor",
	"Visual Studio Code":    "VS Code",
	"Visual-Studio-Code":    "VS Code",
	"windsurf-client":       "Windsurf",
	"gemini-cli-mcp-client": "Gemini CLI",
	"codex-mcp-client":      "Codex",
}

// clientName is how the prompt names the AI app that made a call, from the name the app
// gives itself (which any program can claim).
func clientName(c string) string {
	if n, ok := clientNames[c]; ok {
		return n
	}
	if strings.TrimSpace(c) == "" {
		return "An AI app"
	}
	return shorten(display.Line(c), maxNameChars)
}

// appName names the app that made a call by what MCP Tray can check: the program that started
// the bridge (a.App, read from the operating system), beside the name the app claims when the
// program's name does not match it, as in "Claude Desktop — started by /usr/bin/python3".
// When the operating system did not say (a.App is empty), it is the claimed name.
func appName(a policy.Approval) string {
	claimed := clientName(a.Client)
	if a.App == "" || policy.ClaimMatches(claimed, a.App) {
		return claimed
	}
	return claimed + " — started by " + shorten(display.Line(a.App), maxNameChars*2)
}

// maxNameChars bounds a name in the prompt's headline, which stays on screen above the
// arguments: a name thousands of characters long must not push them away.
const maxNameChars = 80

// shorten cuts s to n characters, saying how long it was.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return fmt.Sprintf("%s… (%d characters)", string(r[:n]), len(r))
}

// appNote is the quiet line under the headline that says which program made the call, or that
// the operating system did not say. Empty when the headline already names the program.
func appNote(a policy.Approval) string {
	switch {
	case a.App == "":
		return "This is the name the app gives itself; MCP Tray could not check which program it is."
	case policy.ClaimMatches(clientName(a.Client), a.App):
		return "Program: " + display.Line(a.App)
	}
	return ""
}

// headline is the prompt's one-sentence question. Every name in it came from outside MCP
// Tray and is shown escaped.
func headline(a policy.Approval) string {
	who := appName(a)
	if strings.Contains(who, " — ") {
		who += " —"
	}
	return fmt.Sprintf("%s wants to use the tool “%s” of the server “%s”.", who,
		shorten(display.Line(a.Tool), maxNameChars), shorten(display.Line(a.Server), maxNameChars))
}

// productionBanner is the red line shown above a call that acts on a production context.
func productionBanner(a policy.Approval) string {
	if !a.Production {
		return ""
	}
	if a.KubeContext == "" {
		return "PRODUCTION: this call acts on a production Kubernetes context."
	}
	return fmt.Sprintf("PRODUCTION: this call acts on the Kubernetes context “%s”, which is marked as production.", display.Line(a.KubeContext))
}

// position is the "Call 1 of 3" label; empty when only one call waits.
func position(i, n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf("Call %d of %d", i+1, n)
}

// describeTool is the tool's own description as the prompt quotes it, escaped.
func describeTool(a policy.Approval) string {
	d := strings.TrimSpace(a.Description)
	if d == "" {
		return "No description is known for this tool."
	}
	return display.Text(d)
}

// foldDescription is the start of a description the prompt shows until the person asks for
// the whole (its first descFoldLines lines), and whether there is more.
func foldDescription(d string) (string, bool) { return foldAt(d, descFoldLines, descFoldChars) }

// readyNote is the line beside buttons that wait to become active: a key press or click
// meant for another window must not answer for something the person has not seen. what is
// what to read: "the call", "the changes".
func readyNote(what string, left time.Duration) string {
	if left <= 0 {
		return ""
	}
	secs := int((left + time.Second - 1) / time.Second)
	return fmt.Sprintf("Read %s first: the buttons work in %d s.", what, secs)
}

// notification is the desktop notification's title and text for a new held call.
func notification(a policy.Approval) (title, text string) {
	title = "Approval needed"
	if a.Production {
		title = "Approval needed (production)"
	}
	return title, headline(a) + " Open MCP Tray to allow or deny it."
}

// pendingLabel is the tray menu's approvals item.
func pendingLabel(n int) string {
	return fmt.Sprintf("Pending approvals (%d)…", n)
}
