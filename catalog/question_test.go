package catalog

import (
	"regexp"
	"testing"
)

func TestCheckboxDescription(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Set to true to only allow looking, never changing anything.", "Only allow looking, never changing anything."},
		{"Only look at the cluster, never change it. Set to false to allow changes.", "Only look at the cluster, never change it."},
		{"Set this to 'true' to hide the browser window.", "Hide the browser window."},
		{"If true, run without a window. Defaults to false.", "Run without a window."},
		{"When enabled, block deleting things (default: false)", "Block deleting things"},
		{"Whether to read pages that ask robots to stay away.", "Read pages that ask robots to stay away."},
		{"Block deleting things in the cluster.", "Block deleting things in the cluster."},
		{"Set to false.", "Set to false."}, // nothing left: the words are kept as they were
		{"", ""},
	} {
		if got := checkboxDescription(tt.in); got != tt.want {
			t.Errorf("checkboxDescription(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every built-in question has a kind, and no checkbox asks the person to type true or false.
func TestEmbeddedQuestionsArePlain(t *testing.T) {
	entries, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	trueFalse := regexp.MustCompile(`(?i)\b(true|false)\b`)
	checkboxes := 0
	for _, e := range entries {
		qs, err := Questions(e)
		if err != nil {
			t.Fatalf("%s: %v", e.ID(), err)
		}
		for _, q := range qs {
			if q.Kind != kindOf(q) || q.Kind == "" {
				t.Errorf("%s %s: kind %q, want %q", e.ID(), q.Key, q.Kind, kindOf(q))
			}
			if q.Kind == KindCheckbox {
				checkboxes++
				if trueFalse.MatchString(q.Description) {
					t.Errorf("%s %s: the checkbox says %q", e.ID(), q.Key, q.Description)
				}
			}
		}
	}
	if checkboxes == 0 {
		t.Fatal("no built-in entry has a checkbox question; the test checks nothing")
	}
}
