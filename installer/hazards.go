package installer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/internal/display"
)

// hazardsOf returns the hazards of a plan that need the person's consent. A built-in entry
// has none: MCP Tray reviewed its flags when it shipped it (see catalog.TestBuiltInHazards),
// and the person's answers never become flags or variable names.
func hazardsOf(e catalog.Entry, p catalog.InstallPlan) []catalog.Hazard {
	if e.Origin == catalog.OriginEmbedded {
		return nil
	}
	return catalog.Hazards(p)
}

// HazardViews turns catalog hazards into their wire form.
func HazardViews(hs []catalog.Hazard) []HazardView {
	if len(hs) == 0 {
		return nil
	}
	out := make([]HazardView, len(hs))
	for i, h := range hs {
		out[i] = HazardView{Key: h.Key, Item: h.Item, Reason: h.Reason}
	}
	return out
}

// refuseHazards fails, naming each hazard whose key allow lacks with its reason, one
// sentence each; nil when every hazard was allowed.
func refuseHazards(title string, hs []catalog.Hazard, allow []string) error {
	var missing []string
	for _, h := range hs {
		if !slices.Contains(allow, h.Key) {
			missing = append(missing, HazardSentence(HazardView{Key: h.Key, Item: h.Item, Reason: h.Reason}))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return failf("%s was not installed, because it asks for what you did not allow. %s", display.Line(title), strings.Join(missing, " "))
}

// HazardSentence is one hazard as a sentence for a person: the item as written (made safe
// to print), then why it is dangerous.
func HazardSentence(h HazardView) string {
	reason := h.Reason
	if reason != "" {
		reason = strings.ToLower(reason[:1]) + reason[1:]
	}
	return fmt.Sprintf("%q: %s", display.Line(h.Item), reason)
}

// PlanHazards lists the hazards of installing entry e as plan p that the person must allow
// one by one (Request.Allow); none for a built-in entry.
func PlanHazards(e catalog.Entry, p catalog.InstallPlan) []HazardView {
	return HazardViews(hazardsOf(e, p))
}

// LookAlikeSentence says, for a person, that a registry entry only imitates the built-in
// entry id; "" when id is "".
func LookAlikeSentence(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf("This is not MCP Tray's %s server; its name only looks like it.", id)
}
