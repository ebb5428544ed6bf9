package app

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

var catalogFixture = []installer.EntryView{
	{ID: "filesystem", Title: "Filesystem", Description: "Read and change files in folders you pick.", Category: "Files & documents", Runtime: "node", Version: "1.2.3"},
	{ID: "github", Title: "GitHub", Description: "Issues and pull requests.", Category: "Developer tools", Runtime: "node", InstalledAs: []string{"github", "github-work"}},
	{ID: "fetch", Title: "Fetch", Description: "Reads web pages.", Category: "Web", Runtime: "python", ReadOnly: true, Origin: "registry"},
	{ID: "odd", Description: "No title.", Runtime: "docker"},
}

func TestFilterCatalog(t *testing.T) {
	ids := func(es []installer.EntryView) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	cases := []struct {
		category, query string
		want            []string
	}{
		{"", "", []string{"filesystem", "github", "fetch", "odd"}},
		{allCategories, "FOLDERS files", []string{"filesystem"}},
		{"Web", "", []string{"fetch"}},
		{"Other", "", []string{"odd"}},
		{"Web", "github", nil},
		{"", "pull", []string{"github"}},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, ids(filterCatalog(catalogFixture, tc.category, tc.query))); diff != "" {
			t.Errorf("filterCatalog(%q, %q) (-want +got):\n%s", tc.category, tc.query, diff)
		}
	}
	// A registry entry's io.github.… namespace is not a match for "GitHub" (every registry
	// entry of a GitHub account has it): the window ranks as `mcptray catalog search` does.
	withRegistry := append(slices.Clone(catalogFixture), installer.EntryView{ID: "io.github.someone/weather", Name: "io.github.someone/weather",
		Title: "Weather", Description: "Forecasts.", Origin: "registry"})
	if diff := cmp.Diff([]string{"github"}, ids(filterCatalog(withRegistry, "", "GitHub"))); diff != "" {
		t.Errorf("filterCatalog(GitHub) with a registry entry (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{allCategories, "Developer tools", "Files & documents", "Other", "Web"}, catalogCategories(catalogFixture)); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
}

func TestEntryFacts(t *testing.T) {
	want := []string{
		"can change things · needs Node.js · version 1.2.3",
		"can change things · needs Node.js · already installed as github, github-work",
		"only reads · needs Python (uv) · from the MCP Registry",
		"can change things · needs Docker",
	}
	for i, e := range catalogFixture {
		if got := entryFacts(e); got != want[i] {
			t.Errorf("entryFacts(%s) = %q, want %q", e.ID, got, want[i])
		}
	}
	lookAlike := installer.EntryView{ID: "io.github.x/fi1esystem", Origin: "registry", LookAlike: "filesystem"}
	if got := entryWarning(lookAlike); got != "This is not MCP Tray's filesystem server; its name only looks like it." {
		t.Errorf("entryWarning(look-alike) = %q", got)
	}
	lookAlike.RuntimeMissing = "Install Node.js first."
	if got := entryWarning(lookAlike); got != "Install Node.js first." {
		t.Errorf("entryWarning(no runtime) = %q", got)
	}
	if got := entryWarning(catalogFixture[0]); got != "" {
		t.Errorf("entryWarning(filesystem) = %q", got)
	}
	if entryTitle(catalogFixture[3]) != "odd" {
		t.Error("an entry without a title is not named by its id")
	}
}

func TestMissingAnswers(t *testing.T) {
	qs := []installer.QuestionView{
		{Key: "dir", Title: "Folder", Required: true},
		{Key: "TOKEN", Title: "Access token", Required: true, Secret: true},
		{Key: "MODE", Title: "Mode", Required: true, Default: "fast"},
		{Key: "OPT", Title: "Optional"},
	}
	cases := []struct {
		values map[string]string
		want   string
	}{
		{map[string]string{"dir": "/x", "TOKEN": "t"}, ""},
		{map[string]string{"dir": "/x", "TOKEN": "  "}, `Please fill in "Access token" first.`},
		{map[string]string{}, `Please fill in "Folder" and "Access token" first.`},
	}
	for _, tc := range cases {
		if got := missingAnswers(qs, tc.values); got != tc.want {
			t.Errorf("missingAnswers(%v) = %q, want %q", tc.values, got, tc.want)
		}
	}
}

func TestInstallSentences(t *testing.T) {
	cases := map[string]string{
		doneSentence("files", nil):                                  "files is installed and running. It offers no tools yet.",
		doneSentence("files", []string{"read"}):                     "files is installed and working. Its tool: read.",
		doneSentence("files", []string{"read", "write"}):            "files is installed and working. Its 2 tools: read, write.",
		stepLabel(installer.StepDownloading):                        "Downloading and checking it (this can take a minute)…",
		stepLabel(installer.Step("building")):                       "Building…",
		stepLabel(installer.Step("")):                               "Working…",
		stepLabel(installer.Step("x\x1b[2K")):                       `X\x1b[2K…`,
		doneSentence("files", []string{"read\r\x1b[2K", "b\u202e"}): `files is installed and working. Its 2 tools: read\r\x1b[2K, b\u202e.`,
		stepLabel(installer.StepReview):                             "Waiting for you to review it…",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestScanFindingsText(t *testing.T) {
	hidden := api.ScanFinding{Tool: "add", Class: policy.ClassConcealment, Field: "description",
		Sentence: "It tells the AI model to keep something from the user (concealment, in the description)."}
	cases := []struct {
		name    string
		res     api.ScanResult
		err     error
		want    string
		flagged bool
	}{
		{"nothing found", api.ScanResult{Tools: 5}, nil, "No hidden instructions found in its 5 tools.", false},
		{"one tool", api.ScanResult{Tools: 1}, nil, "No hidden instructions found in its one tool.", false},
		{"no tools", api.ScanResult{}, nil, "It lists no tools yet.", false},
		{"not listed", api.ScanResult{}, &control.Error{Message: "calc stopped before it listed its tools"},
			"Its tools could not be checked before installing: Calc stopped before it listed its tools. MCP Tray checks them when the server first lists them.", false},
		{"one flagged", api.ScanResult{Tools: 2, Flagged: 1, Findings: []api.ScanFinding{hidden, hidden}}, nil,
			"1 of its 2 tools may hide instructions for the AI model. It will start at \"ask\": MCP Tray asks you before each call.\n" +
				"• add: It tells the AI model to keep something from the user (concealment, in the description).", true},
		{"server text is escaped", api.ScanResult{Tools: 3, Flagged: 2, Findings: []api.ScanFinding{
			hidden, {Tool: "x\x1b[8my\nz", Sentence: "It contains terminal escape sequences."}}}, nil,
			"2 of its 3 tools may hide instructions for the AI model. They will start at \"ask\": MCP Tray asks you before each call.\n" +
				"• add: It tells the AI model to keep something from the user (concealment, in the description).\n" +
				"• " + display.Line("x\x1b[8my\nz") + ": It contains terminal escape sequences.", true},
	}
	for _, tc := range cases {
		got, flagged := scanFindingsText(tc.res, tc.err)
		if got != tc.want || flagged != tc.flagged {
			t.Errorf("%s: got (%v)\n%s\nwant (%v)\n%s", tc.name, flagged, got, tc.flagged, tc.want)
		}
		if strings.ContainsRune(got, 0x1b) {
			t.Errorf("%s: a raw escape character reached the window", tc.name)
		}
	}
}

// A server on the internet is shown by where it is and what it is sent, never as a command
// to run; a secret header names only its keychain entry.
func TestPlanOfARemoteServer(t *testing.T) {
	p := installer.PlanView{URL: "https://mcp.example.com/mcp", Transport: "http",
		Headers: map[string]string{"X-Api-Key": "${secret:X_API_KEY}", "X-Team": "blue"}, Secrets: []string{"X_API_KEY"}}
	if got := planTitle(p); got != "Where it runs: on the internet at mcp.example.com" {
		t.Errorf("planTitle = %q", got)
	}
	if got := planCommand(p); got != "https://mcp.example.com/mcp" {
		t.Errorf("planCommand = %q", got)
	}
	want := []string{"X-Api-Key: ${secret:X_API_KEY}", "X-Team: blue", "X_API_KEY — kept in your keychain"}
	if got := planEnvironment(p); !slices.Equal(got, want) {
		t.Errorf("planEnvironment = %q, want %q", got, want)
	}
	if planEnvironmentIntro(p) != "Sent with every request:" || !strings.Contains(planCommandIntro(p), "nothing is installed or run on this computer") {
		t.Errorf("intros %q / %q", planEnvironmentIntro(p), planCommandIntro(p))
	}
}
