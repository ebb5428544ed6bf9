package app

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
)

// Before anything is installed the dialog shows what will run, as the 2025-11-25 MCP
// specification asks of a client offering one-click local install: the daemon's
// "catalog.plan" answers with the exact command, its arguments, its environment (secrets by
// name only) and the hazards the catalog refuses unless the person allows each one. The
// functions here decide what the review page says and when Install may be pressed; the page
// itself (install.go) only lays them out. Everything in a plan may come from a registry on
// the internet, so every piece of it is shown escaped.

// secretPlaceholder stands in for a secret's answer when the dialog asks for the plan: a plan
// needs to know that a secret was given, never its value.
const secretPlaceholder = "(kept in your keychain)"

// maxArgRunes bounds how much of one argument the page shows; the rest is counted, so a
// multi-megabyte argument neither freezes the window nor passes unnoticed.
const maxArgRunes = 2000

// planValues returns the answers to send with "catalog.plan": the same as an install would
// send, except that every non-empty secret answer is replaced by a placeholder, so a secret
// never travels for a preview.
func planValues(qs []installer.QuestionView, values map[string]string) map[string]string {
	secret := map[string]bool{}
	for _, q := range qs {
		if q.Secret {
			secret[q.Key] = true
		}
	}
	out := make(map[string]string, len(values))
	for k, v := range values {
		if secret[k] && v != "" {
			v = secretPlaceholder
		}
		out[k] = v
	}
	return out
}

// planNote is one sentence above what will run; Danger ones are shown in red.
type planNote struct {
	Text   string
	Danger bool
}

// planNotes are the sentences about where the server comes from and how it is installed: a
// registry entry whose name imitates a built-in one first, in red, then where it comes from,
// then whether it is frozen into MCP Tray's folder.
func planNotes(p installer.PlanView) []planNote {
	var out []planNote
	if p.LookAlike != "" {
		out = append(out, planNote{Danger: true, Text: lookAlikeSentence(p.LookAlike)})
	}
	if p.Origin == "registry" {
		out = append(out, planNote{Text: "From the public MCP Registry, not checked by MCP Tray."})
	}
	if p.Frozen {
		out = append(out, planNote{Text: "MCP Tray installs it into its own folder and starts it without downloading anything again."})
	}
	if p.Pinned {
		out = append(out, planNote{Text: "MCP Tray pins the image to the exact version its tag names now; Docker downloads it the first time it starts."})
	}
	return out
}

// planHeading names the entry and the server name it installs as.
func planHeading(title string, p installer.PlanView) string {
	if p.Server == "" {
		return title
	}
	return fmt.Sprintf("%s, as the server “%s”", title, display.Line(p.Server))
}

// lookAlikeSentence warns that a registry entry's name imitates the built-in entry id.
func lookAlikeSentence(id string) string {
	return fmt.Sprintf("This is not MCP Tray's %s server; its name only looks like it.", display.Line(id))
}

// planTitle is the folded section's title: what runs, in a few words.
func planTitle(p installer.PlanView) string {
	if p.URL != "" {
		return "Where it runs: on the internet at " + shortArg(urlHost(p.URL))
	}
	switch len(p.Args) {
	case 0:
		return fmt.Sprintf("What will run: %s", shortArg(p.Command))
	case 1:
		return fmt.Sprintf("What will run: %s with 1 argument", shortArg(p.Command))
	}
	return fmt.Sprintf("What will run: %s with %d arguments", shortArg(p.Command), len(p.Args))
}

// shortArg is a command's name for a title: escaped, cut to 60 characters.
func shortArg(s string) string {
	s = display.Line(s)
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:59]) + "…"
	}
	if s == "" {
		return `""`
	}
	return s
}

// planCommandIntro is the line above the command: a frozen server's command names the
// package MCP Tray installs, which then runs from MCP Tray's folder without npx or uvx.
func planCommandIntro(p installer.PlanView) string {
	if p.URL != "" {
		return "MCP Tray connects your AI apps to this address; nothing is installed or run on this computer:"
	}
	if p.Frozen {
		return "The package and every argument; MCP Tray runs its installed copy with them:"
	}
	if p.Pinned {
		return "The command and every argument; the image runs by the exact version pinned at install:"
	}
	return "The command and every argument:"
}

// planCommand is the exact command line, the command and every argument as a shell would
// take them: arguments with spaces, quotes or escapes are quoted, each is escaped for
// display, and one longer than maxArgRunes is cut with the number of characters not shown.
func planCommand(p installer.PlanView) string {
	if p.URL != "" {
		shown, more := escapeCut(p.URL)
		return shown + more
	}
	words := make([]string, 0, 1+len(p.Args))
	for _, a := range append([]string{p.Command}, p.Args...) {
		words = append(words, shellWord(a))
	}
	return strings.Join(words, " ")
}

// shellWord is one argument as a shell takes it: escaped, cut, and quoted when it holds a
// space, a quote or anything else a shell would read specially.
func shellWord(a string) string {
	a, more := escapeCut(a)
	if a == "" || strings.ContainsAny(a, " \"'$\\`;&|<>()*?!#~{}[]") {
		a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return a + more
}

// escapeCut escapes s for display and cuts it at maxArgRunes; more says how much was cut.
func escapeCut(s string) (shown, more string) {
	s = display.Line(s)
	if n := utf8.RuneCountInString(s); n > maxArgRunes {
		return string([]rune(s)[:maxArgRunes]), fmt.Sprintf(" [… %d more characters of this argument not shown]", n-maxArgRunes)
	}
	return s, ""
}

// planEnvironmentIntro is the line above planEnvironment's: variables for a program, headers
// for a server on the internet.
func planEnvironmentIntro(p installer.PlanView) string {
	if p.URL != "" {
		return "Sent with every request:"
	}
	return "With this environment:"
}

// planEnvironment lists the environment the server gets, sorted by name: non-secret
// variables with their values, then secrets by name only. For a server on the internet it
// lists the headers it is sent instead, a secret one by the keychain entry it comes from.
func planEnvironment(p installer.PlanView) []string {
	vars, sep := p.Env, "="
	if p.URL != "" {
		vars, sep = p.Headers, ": "
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		v := shellWord(vars[k])
		if sep == ": " {
			v, _ = escapeCut(vars[k])
		}
		out = append(out, display.Line(k)+sep+v)
	}
	secrets := slices.Clone(p.Secrets)
	slices.Sort(secrets)
	for _, s := range secrets {
		out = append(out, display.Line(s)+" — kept in your keychain")
	}
	return out
}

// hazardText is how one hazard reads: what the entry asks for, and why MCP Tray refuses it.
// A variable named without its value is shown with the value the plan gives it. The item is
// shown as written (escaped), not quoted: it may be a flag and its value.
func hazardText(h installer.HazardView, env map[string]string) (item, reason string) {
	raw := h.Item
	if name, ok := strings.CutPrefix(h.Key, "env:"); ok && !strings.Contains(raw, "=") {
		if raw == "" {
			raw = name
		}
		if v, ok := env[raw]; ok {
			raw += "=" + v
		}
	}
	shown, more := escapeCut(raw)
	item = shown + more
	if raw == "" {
		item = display.Line(h.Key)
	}
	return item, display.Line(h.Reason)
}

// planAllow returns the keys to send in Request.Allow, in the plan's order, and how many
// hazards the person has not allowed yet; Install waits until that is 0.
func planAllow(p installer.PlanView, allowed map[string]bool) (allow []string, left int) {
	for _, h := range p.Hazards {
		switch {
		case !allowed[h.Key]:
			left++
		case !slices.Contains(allow, h.Key):
			allow = append(allow, h.Key)
		}
	}
	return allow, left
}

// hazardsHeading is the line above the hazards.
func hazardsHeading(n int) string {
	if n == 1 {
		return "MCP Tray refuses this unless you allow it:"
	}
	return fmt.Sprintf("MCP Tray refuses these %d unless you allow each one:", n)
}

// consentNote says why Install waits; "" when it does not.
func consentNote(left int) string {
	switch left {
	case 0:
		return ""
	case 1:
		return "Allow the item in red above to install it, or go back."
	}
	return fmt.Sprintf("Allow each of the %d items in red above to install it, or go back.", left)
}

// urlHost is the host (and port) of a server's address, or the address itself when it does
// not parse.
func urlHost(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}
