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
	hs := catalog.Hazards(p)
	if h, ok := unfrozenHazard(e, p); ok {
		hs = append(hs, h)
	}
	return hs
}

// unfrozenHazard is the hazard of an npm or PyPI entry that cannot be installed into MCP
// Tray's folder (FreezePlan): any runtime flag the freezer does not know, even a harmless
// one, makes npx or uvx run the package as the entry writes it, with its dependencies
// resolved at the first start instead of pinned and no signature checked (red team: one
// --quiet let a registry entry opt out of what MCP Tray promises for its installs).
func unfrozenHazard(e catalog.Entry, p catalog.InstallPlan) (catalog.Hazard, bool) {
	if p.Runtime != catalog.RuntimeNPX && p.Runtime != catalog.RuntimeUVX || len(e.Server.Packages) == 0 {
		return catalog.Hazard{}, false
	}
	if _, _, ok := FreezePlan(e, p); ok {
		return catalog.Hazard{}, false
	}
	item := p.Command
	for _, a := range p.Args { // the runtime's part, through the package: never an answer of the person's
		item += " " + a
		if strings.Contains(a, e.Server.Packages[0].Identifier) {
			break
		}
	}
	return catalog.Hazard{Key: "runtime:" + p.Command, Item: item, Reason: "It would run through " + p.Command +
		" as the entry writes it, not installed into MCP Tray's folder: its dependencies are fetched when it first starts instead of pinned, and no package signature is checked."}, true
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
