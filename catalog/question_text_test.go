package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQuestionWords(t *testing.T) {
	for _, tc := range []struct {
		q              Question
		traits, sample string
		about          string
	}{
		{Question{Key: "dir", Required: true, Format: FormatFilepath, Repeated: true, Description: "A folder it may read. "},
			"required; a full path; can be given more than once", "/full/path", " (A folder it may read)"},
		{Question{Key: "TOKEN", Secret: true}, "optional; secret, kept in the system keychain", "VALUE", ""},
		{Question{Key: "mode", Choices: []string{"fast", "slow"}, Default: "slow", Format: FormatNumber},
			"optional; one of fast, slow; default slow", "fast", ""},
		{Question{Key: "on", Format: FormatBoolean, Required: true}, "required; true or false", "true", ""},
		{Question{Key: "n", Format: FormatNumber}, "optional; a number", "NUMBER", ""},
	} {
		if got := tc.q.Traits(); got != tc.traits {
			t.Errorf("%s: Traits() = %q, want %q", tc.q.Key, got, tc.traits)
		}
		if got := tc.q.ExampleValue(); got != tc.sample {
			t.Errorf("%s: ExampleValue() = %q, want %q", tc.q.Key, got, tc.sample)
		}
		if got := tc.q.About(); got != tc.about {
			t.Errorf("%s: About() = %q, want %q", tc.q.Key, got, tc.about)
		}
	}
}

func TestNeedsToolAndAccessWords(t *testing.T) {
	yes, no := true, false
	got := []string{NeedsTool(NeedsNode), NeedsTool(NeedsPython), NeedsTool(NeedsDocker), NeedsTool(""),
		AccessWords(nil), AccessWords(&yes), AccessWords(&no)}
	want := []string{RuntimeNPX.Tool(), RuntimeUVX.Tool(), RuntimeDocker.Tool(), "nothing (it runs elsewhere)",
		"may change things", "read-only", "can change things"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}

func TestByCategoryPutsRegistryEntriesLast(t *testing.T) {
	entry := func(id, cat string) Entry { return Entry{Meta: Meta{ID: id, Category: cat}} }
	groups := ByCategory([]Entry{entry("r1", ""), entry("w1", "Web"), entry("d1", "Dev"), entry("w2", "Web"), entry("r2", "")})
	var got [][]string
	for _, g := range groups {
		row := []string{g.Category}
		for _, e := range g.Entries {
			row = append(row, e.Meta.ID)
		}
		got = append(got, row)
	}
	want := [][]string{{"Dev", "d1"}, {"Web", "w1", "w2"}, {"", "r1", "r2"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ByCategory (-want +got)\n%s", d)
	}
	if ByCategory(nil) == nil || len(ByCategory(nil)) != 0 {
		t.Error("ByCategory(nil) is not an empty list")
	}
}
