package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/internal/prose"
)

const allCategories = "All categories"

// catalogCategories lists the categories of entries, sorted, after "All categories".
func catalogCategories(entries []installer.EntryView) []string {
	var out []string
	for _, e := range entries {
		if c := categoryLabel(e.Category); !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return append([]string{allCategories}, out...)
}

func categoryLabel(c string) string {
	if c == "" {
		return "Other"
	}
	return strings.ToUpper(c[:1]) + c[1:]
}

// filterCatalog keeps the entries of a category that match query, best first, by the
// catalog's search; an entry for developers (a test server) only when query names it exactly.
func filterCatalog(entries []installer.EntryView, category, query string) []installer.EntryView {
	var in []installer.EntryView
	for _, e := range entries {
		if category == "" || category == allCategories || categoryLabel(e.Category) == category {
			in = append(in, e)
		}
	}
	// The same ranking as `mcptray catalog search`: words match a registry entry's own name,
	// not the io.github.… namespace every such entry shares.
	return forEveryone(installer.Filter(in, query), query)
}

// entryTitle is an entry's name for people. Catalog entries can come from a registry on the
// internet, so their text is shown escaped.
func entryTitle(e installer.EntryView) string {
	if e.Title != "" {
		return display.Line(e.Title)
	}
	return display.Line(e.ID)
}

// entryFacts is the small line under an entry: what it can do, what it needs, whether it is
// already installed.
func entryFacts(e installer.EntryView) string {
	var parts []string
	if e.ReadOnly {
		parts = append(parts, "only reads")
	} else {
		parts = append(parts, "can change things")
	}
	switch {
	case e.Needs != "":
		parts = append(parts, plainNeeds(e.Needs))
	case e.Runtime != "":
		parts = append(parts, "needs "+runtimeName(e.Runtime))
	}
	if e.Version != "" {
		parts = append(parts, "version "+e.Version)
	}
	if len(e.InstalledAs) > 0 {
		parts = append(parts, "already installed as "+strings.Join(e.InstalledAs, ", "))
	}
	if e.Origin == "registry" {
		parts = append(parts, "from the MCP Registry")
	}
	return strings.Join(parts, " · ")
}

// entryWarning is the red line of an entry, in the list and above its questions: the runtime
// it needs is missing, or its name imitates a built-in server's; "" when neither.
func entryWarning(e installer.EntryView) string {
	switch {
	case e.RuntimeMissing != "":
		return e.RuntimeMissing
	case e.LookAlike != "":
		return lookAlikeSentence(e.LookAlike)
	}
	return ""
}

func runtimeName(r string) string {
	switch strings.ToLower(r) {
	case "node", "npx":
		return "Node.js"
	case "python", "uvx", "uv":
		return "Python (uv)"
	case "docker":
		return "Docker"
	}
	return r
}

// missingAnswers names the required questions left empty, as one sentence; "" when none.
func missingAnswers(qs []installer.QuestionView, values map[string]string) string {
	var missing []string
	for _, q := range qs {
		if q.Required && strings.TrimSpace(values[q.Key]) == "" && q.Default == "" {
			missing = append(missing, questionTitle(q))
		}
	}
	switch len(missing) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("Please fill in %q first.", missing[0])
	}
	return fmt.Sprintf("Please fill in %s first.", prose.JoinAnd(quoted(missing)))
}

func questionTitle(q installer.QuestionView) string {
	if q.Title != "" {
		return display.Line(q.Title)
	}
	return display.Line(q.Key)
}

// stepLabel says what an install step is doing, for the line beside the activity indicator.
func stepLabel(s installer.Step) string {
	switch s {
	case installer.StepChecking:
		return "Checking…"
	case installer.StepSaving:
		return "Saving its settings…"
	case installer.StepStarting:
		return "Starting it…"
	case installer.StepDownloading:
		return "Downloading and checking it (this can take a minute)…"
	case installer.StepListing:
		return "Waiting for it to list its tools…"
	case installer.StepClients:
		return "Telling your AI apps about it…"
	case installer.StepReview:
		return "Waiting for you to review it…"
	case installer.StepDone:
		return "Installed"
	case installer.StepFailed:
		return "Not installed"
	}
	if s == "" {
		return "Working…"
	}
	l := display.Line(string(s))
	return strings.ToUpper(l[:1]) + l[1:] + "…"
}

// doneSentence is the last line of a successful install. The tool names come from the
// server, so they (and the name, to be sure) are shown escaped.
func doneSentence(server string, tools []string) string {
	server = display.Line(server)
	tools = slices.Clone(tools)
	for i, t := range tools {
		tools[i] = display.Line(t)
	}
	switch len(tools) {
	case 0:
		return fmt.Sprintf("%s is installed and running. It offers no tools yet.", server)
	case 1:
		return fmt.Sprintf("%s is installed and working. Its tool: %s.", server, tools[0])
	}
	return fmt.Sprintf("%s is installed and working. Its %d tools: %s.", server, len(tools), strings.Join(tools, ", "))
}

func quoted(items []string) []string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return q
}
