package app

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/installer"
)

func TestPlanValuesNeverCarrySecrets(t *testing.T) {
	qs := []installer.QuestionView{{Key: "TOKEN", Secret: true}, {Key: "EMPTY", Secret: true}, {Key: "dir"}}
	got := planValues(qs, map[string]string{"TOKEN": "ghp_realsecret", "EMPTY": "", "dir": "/home/a"})
	want := map[string]string{"TOKEN": secretPlaceholder, "EMPTY": "", "dir": "/home/a"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("planValues (-want +got):\n%s", diff)
	}
}

func TestPlanNotes(t *testing.T) {
	cases := []struct {
		name string
		p    installer.PlanView
		want []planNote
	}{
		{"built-in, not frozen", installer.PlanView{Origin: "built-in"}, nil},
		{"built-in, frozen", installer.PlanView{Origin: "built-in", Frozen: true}, []planNote{
			{Text: "MCP Tray installs it into its own folder and starts it without downloading anything again."}}},
		{"an image, pinned", installer.PlanView{Origin: "built-in", Pinned: true}, []planNote{
			{Text: "MCP Tray pins the image to the exact version its tag names now; Docker downloads it the first time it starts."}}},
		{"look-alike from the registry", installer.PlanView{Origin: "registry", LookAlike: "filesystem", Frozen: true}, []planNote{
			{Danger: true, Text: "This is not MCP Tray's filesystem server; its name only looks like it."},
			{Text: "From the public MCP Registry, not checked by MCP Tray."},
			{Text: "MCP Tray installs it into its own folder and starts it without downloading anything again."}}},
		{"look-alike name is escaped", installer.PlanView{Origin: "registry", LookAlike: "files\u202eystem"}, []planNote{
			{Danger: true, Text: `This is not MCP Tray's files\u202eystem server; its name only looks like it.`},
			{Text: "From the public MCP Registry, not checked by MCP Tray."}}},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, planNotes(tc.p)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestPlanCommandShowsEveryArgumentEscaped(t *testing.T) {
	p := installer.PlanView{Command: "npx", Args: []string{"-y", "--registry", "http://127.0.0.1:9/", "@evil/pkg@1.0.0",
		"/home/a b", "it's", "", "x\x1b[2Ky\u202e", "$HOME"}}
	want := `npx -y --registry http://127.0.0.1:9/ @evil/pkg@1.0.0 '/home/a b' 'it'\''s' '' 'x\x1b[2Ky\u202e' '$HOME'`
	if got := planCommand(p); got != want {
		t.Errorf("planCommand =\n%s\nwant\n%s", got, want)
	}
	if planCommandIntro(p) != "The command and every argument:" || !strings.Contains(planCommandIntro(installer.PlanView{Frozen: true}), "runs its installed copy") {
		t.Errorf("intros %q, %q", planCommandIntro(p), planCommandIntro(installer.PlanView{Frozen: true}))
	}
	if got := planTitle(p); got != "What will run: npx with 9 arguments" {
		t.Errorf("planTitle = %q", got)
	}
	if got := planTitle(installer.PlanView{Command: "/usr/bin/node", Args: []string{"x.js"}}); got != "What will run: /usr/bin/node with 1 argument" {
		t.Errorf("planTitle = %q", got)
	}
	if got := planTitle(installer.PlanView{Command: strings.Repeat("c", 100)}); got != "What will run: "+strings.Repeat("c", 59)+"…" {
		t.Errorf("planTitle of a long command = %q", got)
	}

	long := installer.PlanView{Command: "sh", Args: []string{"-c", strings.Repeat("a", maxArgRunes+500)}}
	got := planCommand(long)
	if !strings.HasPrefix(got, "sh -c "+strings.Repeat("a", maxArgRunes)+" [… 500 more characters of this argument not shown]") {
		t.Errorf("a long argument reads %.80q…", got)
	}
	for _, r := range got {
		if r == 0x1b || r == '\u202e' || r == '\n' {
			t.Errorf("a raw control or bidi character reached the page: %q", got)
		}
	}
}

func TestPlanEnvironmentNamesSecretsOnly(t *testing.T) {
	p := installer.PlanView{Env: map[string]string{"NODE_OPTIONS": "--require /tmp/hook.js", "A": "1"}, Secrets: []string{"GITHUB_TOKEN", "API_KEY"}}
	want := []string{
		"A=1",
		"NODE_OPTIONS='--require /tmp/hook.js'",
		"API_KEY — kept in your keychain",
		"GITHUB_TOKEN — kept in your keychain",
	}
	if diff := cmp.Diff(want, planEnvironment(p)); diff != "" {
		t.Errorf("planEnvironment (-want +got):\n%s", diff)
	}
	if planEnvironment(installer.PlanView{}) != nil {
		t.Error("an empty environment has lines")
	}
}

func TestPlanAllowWaitsForEveryHazard(t *testing.T) {
	p := installer.PlanView{Hazards: []installer.HazardView{
		{Key: "env:NODE_OPTIONS", Item: "NODE_OPTIONS=--require /tmp/hook.js", Reason: "It makes Node.js load other code first."},
		{Key: "arg:--registry", Item: "--registry http://127.0.0.1:9/", Reason: "It downloads the package from another registry."},
	}}
	cases := []struct {
		allowed map[string]bool
		allow   []string
		left    int
		note    string
	}{
		{nil, nil, 2, "Allow each of the 2 items in red above to install it, or go back."},
		{map[string]bool{"env:NODE_OPTIONS": true}, []string{"env:NODE_OPTIONS"}, 1, "Allow the item in red above to install it, or go back."},
		{map[string]bool{"env:NODE_OPTIONS": true, "arg:--registry": false}, []string{"env:NODE_OPTIONS"}, 1, "Allow the item in red above to install it, or go back."},
		{map[string]bool{"arg:--registry": true, "env:NODE_OPTIONS": true, "env:OTHER": true}, []string{"env:NODE_OPTIONS", "arg:--registry"}, 0, ""},
	}
	for _, tc := range cases {
		allow, left := planAllow(p, tc.allowed)
		if diff := cmp.Diff(tc.allow, allow); diff != "" || left != tc.left || consentNote(left) != tc.note {
			t.Errorf("planAllow(%v) = %v, %d (%q); want %v, %d (%q)", tc.allowed, allow, left, consentNote(left), tc.allow, tc.left, tc.note)
		}
	}
	if allow, left := planAllow(installer.PlanView{}, nil); allow != nil || left != 0 {
		t.Error("a plan without hazards waits for consent")
	}
	if hazardsHeading(1) != "MCP Tray refuses this unless you allow it:" || hazardsHeading(2) != "MCP Tray refuses these 2 unless you allow each one:" {
		t.Errorf("headings %q, %q", hazardsHeading(1), hazardsHeading(2))
	}
}

func TestHazardText(t *testing.T) {
	env := map[string]string{"NODE_OPTIONS": "--require /tmp/hook.js", "LD_PRELOAD": "/tmp/x.so\r\x1b[2K"}
	cases := []struct {
		h            installer.HazardView
		item, reason string
	}{
		{installer.HazardView{Key: "env:LD_PRELOAD", Item: "LD_PRELOAD", Reason: "It loads\u202e other code."},
			`LD_PRELOAD=/tmp/x.so\r\x1b[2K`, `It loads\u202e other code.`},
		{installer.HazardView{Key: "env:NODE_OPTIONS", Item: "NODE_OPTIONS=--inspect"}, "NODE_OPTIONS=--inspect", ""},
		{installer.HazardView{Key: "env:NODE_OPTIONS"}, "NODE_OPTIONS=--require /tmp/hook.js", ""},
		{installer.HazardView{Key: "arg:--volume", Item: "-v /:/host"}, "-v /:/host", ""},
		{installer.HazardView{Key: "env:PATH", Item: "PATH"}, "PATH", ""},
		{installer.HazardView{Key: "arg:--registry", Item: "--registry=http://127.0.0.1:9/"}, "--registry=http://127.0.0.1:9/", ""},
		{installer.HazardView{Key: "command:sh"}, "command:sh", ""},
	}
	for _, tc := range cases {
		if item, reason := hazardText(tc.h, env); item != tc.item || reason != tc.reason {
			t.Errorf("hazardText(%+v) = %q, %q; want %q, %q", tc.h, item, reason, tc.item, tc.reason)
		}
	}
}

func TestPlanHeading(t *testing.T) {
	if got := planHeading("Filesystem", installer.PlanView{Server: "files\x1b"}); got != `Filesystem, as the server “files\x1b”` {
		t.Errorf("planHeading = %q", got)
	}
	if got := planHeading("Filesystem", installer.PlanView{}); got != "Filesystem" {
		t.Errorf("planHeading without a name = %q", got)
	}
}
