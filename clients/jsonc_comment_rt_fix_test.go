package clients

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// enableDisable adds MCP Tray's entry "demo" to src for client id, then takes it out again,
// and returns both results.
func enableDisable(t *testing.T, id string, src string) (enabled, disabled string) {
	t.Helper()
	c, ok := ByID(id)
	if !ok {
		t.Fatalf("no client %s", id)
	}
	want := []Entry{NewEntry("/usr/local/bin/mcptray", "demo")}
	out1, _, err := editBytes(c, "cfg", []byte(src), "", func(d document) (Result, error) { return reconcile(d, want) })
	if err != nil {
		t.Fatalf("enable: %v", err)
	}
	out2, _, err := editBytes(c, "cfg", out1, "", func(d document) (Result, error) { return reconcile(d, nil) })
	if err != nil {
		t.Fatalf("disable: %v\nafter enable:\n%s", err, out1)
	}
	return string(out1), string(out2)
}

// TestSharedLineCommentSurvivesEnableDisable: a comment that ends the line of the last server,
// when that line also holds another member or the object's {, is the person's and stays where
// it was through enable and disable.
func TestSharedLineCommentSurvivesEnableDisable(t *testing.T) {
	for _, src := range []string{
		"{\n  \"servers\": {\n    \"mine\": {\"command\": \"x\"}, \"other\": {\"command\": \"y\"} // both\n  }\n}\n",
		"{\n  \"servers\": {\"mine\": {\"command\": \"x\"} // note\n  },\n  \"inputs\": []\n}\n",
		"{\n  \"servers\": {\"mine\": {\"command\": \"x\"}, // c\n  }\n}\n",
		"{\n  \"servers\": {\"mine\": {\"command\": \"x\"} /* c */\n  }\n}\n",
		"{\n  \"servers\": {\"mine\": {\"command\": \"x\"}, \"other\": {\"command\": \"y\"}   \n  }\n}\n",
	} {
		enabled, disabled := enableDisable(t, "vscode", src)
		if diff := cmp.Diff(src, disabled); diff != "" {
			t.Errorf("enable then disable did not give back the file (-input +result):\n%s\nafter enable:\n%s", diff, enabled)
		}
	}
}

// TestNewEntryGoesAfterPersonsLineComment: the person's comment keeps ending their line, not
// the line of MCP Tray's entry.
func TestNewEntryGoesAfterPersonsLineComment(t *testing.T) {
	src := "{\n  \"servers\": {\"mine\": {\"command\": \"x\"} // note\n  }\n}\n"
	enabled, _ := enableDisable(t, "vscode", src)
	want := "{\n  \"servers\": {\"mine\": {\"command\": \"x\"}, // note\n    \"demo\": {\n      \"type\": \"stdio\",\n      \"command\": \"/usr/local/bin/mcptray\",\n      \"args\": [\"connect\", \"demo\"]\n    }\n  }\n}\n"
	if diff := cmp.Diff(want, enabled); diff != "" {
		t.Errorf("after enable (-want +got):\n%s", diff)
	}
}
