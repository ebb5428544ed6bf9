package config

import "testing"

// TestAnAnnouncedWriteIsJudgedAgainstWhatWasAccepted: an announced write's before and after
// come from the caller. A "before" that claims allow makes ask look like a tightening, yet
// carried onto an accepted deny it loosens; WouldLoosen sees that. An honest tightening does
// not loosen.
func TestAnAnnouncedWriteIsJudgedAgainstWhatWasAccepted(t *testing.T) {
	h := Home(t.TempDir())
	a := NewAcceptance(AcceptanceOptions{Home: h})
	accepted := &Config{Servers: map[string]*Server{
		"fs": {Command: "fs", Policy: &Policy{Tools: map[string]Rule{"rm": RuleDeny}}},
	}}
	if err := a.Write(h, &Config{Servers: map[string]*Server{}}, accepted); err != nil {
		t.Fatal(err)
	}
	before, after := accepted.Clone(), accepted.Clone()
	before.Servers["fs"].Policy.Tools["rm"] = RuleAllow
	after.Servers["fs"].Policy.Tools["rm"] = RuleAsk
	if !a.WouldLoosen(before, after) {
		t.Error("ask over an accepted deny, disguised as a tightening from allow, was not seen as loosening")
	}
	removed := accepted.Clone()
	delete(removed.Servers, "fs")
	if a.WouldLoosen(accepted.Clone(), removed) {
		t.Error("removing a server counts as loosening")
	}
	added := accepted.Clone()
	added.Servers["new"] = &Server{Command: "new"}
	if !a.WouldLoosen(accepted.Clone(), added) {
		t.Error("adding a server does not count as loosening")
	}
}
