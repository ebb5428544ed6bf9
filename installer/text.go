package installer

import (
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/internal/display"
)

// ItemLine is the plain one-line description of an entry that `catalog list` and `catalog
// search` print: title, summary, what it needs and whether it may change things; an entry
// whose name imitates a built-in one is marked and says which. It is escaped for a terminal.
func ItemLine(e catalog.Entry) string {
	it := Item(e)
	summary := strings.TrimSpace(it.Summary)
	if summary != "" && !strings.HasSuffix(summary, ".") {
		summary += "."
	}
	line := fmt.Sprintf("%s: %s Needs %s; %s.", it.Title, summary, catalog.NeedsTool(it.Needs), catalog.AccessWords(it.ReadOnly))
	if it.LookAlike != "" {
		line = "[look-alike] " + line + " " + LookAlikeSentence(it.LookAlike)
	}
	return display.Line(line)
}

// shownTitle is an entry's title for a sentence: a registry entry's or a bundle's title is
// whatever its publisher wrote, terminal escapes and direction overrides included, and the
// CLI prints progress and failure sentences as they are.
func shownTitle(e catalog.Entry) string { return display.Line(e.Title()) }

// InstallCommand is the `mcptray install` command for d, with a --set for every required
// question that is not a secret and has no default (Question.ExampleValue standing for the
// answer).
func InstallCommand(d CatalogDetail) string {
	parts := []string{"mcptray install", d.ID}
	for _, q := range d.Questions {
		if q.Required && !q.Secret && q.Default == "" {
			parts = append(parts, "--set "+q.Key+"="+q.ExampleValue())
		}
	}
	return strings.Join(parts, " ")
}
