package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// runProbeAs is runProbe with the machine's abilities given: st without Namespaces is a
// machine where only Landlock confines (Ubuntu's default since 23.10 for programs without an
// AppArmor profile of their own).
func runProbeAs(t *testing.T, r Rules, st Status, attempts ...string) (map[string]result, string) {
	t.Helper()
	cmd := exec.Command(probePath, attempts...)
	if err := wrap(cmd, r, st); err != nil {
		t.Fatal(err)
	}
	return probeResults(t, cmd, len(attempts))
}

// TestKeysInAGrantedHomeStayHidden: a person gives a file server their whole home folder (to
// read) and a notes folder (to change). The server reads and lists the home, changes the
// notes, and does not get the keys, passwords and browser data in the home, nor MCP Tray's
// own files — with namespaces (covered) and with Landlock alone (the grant split around
// them). A key place the person names is theirs to give.
func TestKeysInAGrantedHomeStayHidden(t *testing.T) {
	abi := landlockABI()
	if abi == 0 {
		t.Fatal("this kernel has no Landlock, so the sandbox cannot be tested here")
	}
	modes := map[string]Status{"landlock alone": {Landlock: abi}}
	if st := Check(); st.Namespaces {
		modes["namespaces"] = st
	} else {
		t.Fatalf("this machine does not allow unprivileged user namespaces, so the covered mode cannot be tested here: %s", st.Gaps())
	}
	for mode, st := range modes {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t)
			gitCreds := filepath.Join(w.home, ".git-credentials")
			codexAuth := filepath.Join(w.home, ".codex", "auth.json")
			codexConfig := filepath.Join(w.home, ".codex", "config.toml")
			writeFile(t, gitCreds, "https://person:ghp_secret@github.com")
			writeFile(t, codexAuth, `{"token":"secret"}`)
			writeFile(t, codexConfig, "model = 'x'")
			// A link the person (or an earlier server) left in the home, pointing at the keys.
			link := filepath.Join(w.home, "innocent")
			if err := os.Symlink(filepath.Join(w.home, ".ssh"), link); err != nil {
				t.Fatal(err)
			}
			spec := Spec{Read: []string{"~"}, Write: []string{w.notes}}
			r := spec.Rules(Context{Home: w.home, AppHome: w.app, Socket: w.socket, State: w.state,
				Temp: w.temp, Command: probePath, Path: os.Getenv("PATH")})
			hidden := []string{w.secrets["ssh key"], filepath.Join(link, "id_rsa"), w.secrets["aws"], w.secrets["kube"], w.secrets["keyring"],
				w.secrets["browser"], w.secrets["config.json"], w.secrets["other server"], gitCreds, codexAuth}
			open := []string{filepath.Join(w.docs, "readme.md"), w.secrets["notes sibling"], codexConfig,
				filepath.Join(w.notes, "todo.md")}
			var attempts []string
			for _, p := range append(hidden, open...) {
				attempts = append(attempts, "read="+p)
			}
			attempts = append(attempts, "list="+w.home, "write="+filepath.Join(w.notes, "new.md"),
				"write="+filepath.Join(w.state, "memory.json"), "write="+gitCreds)
			got, stderr := runProbeAs(t, r, st, attempts...)
			for _, p := range hidden {
				if got["read="+p].OK {
					t.Errorf("the server read %s", p)
				}
			}
			for _, p := range open {
				if res := got["read="+p]; !res.OK {
					t.Errorf("the server could not read %s, in the folder it was given: %s\n%s", p, res.Err, stderr)
				}
			}
			for _, k := range []string{"list=" + w.home, "write=" + filepath.Join(w.notes, "new.md"), "write=" + filepath.Join(w.state, "memory.json")} {
				if res := got[k]; !res.OK {
					t.Errorf("the server could not %s: %s\n%s", k, res.Err, stderr)
				}
			}
			if got["write="+gitCreds].OK {
				t.Errorf("the server changed %s", gitCreds)
			}
			if b, _ := os.ReadFile(gitCreds); string(b) != "https://person:ghp_secret@github.com" {
				t.Errorf("%s is now %q", gitCreds, b)
			}

			// Named by the person: given.
			spec.Read = append(spec.Read, "~/.ssh")
			r = spec.Rules(Context{Home: w.home, AppHome: w.app, Socket: w.socket, State: w.state,
				Temp: w.temp, Command: probePath, Path: os.Getenv("PATH")})
			got, stderr = runProbeAs(t, r, st, "read="+w.secrets["ssh key"], "read="+w.secrets["aws"])
			if !got["read="+w.secrets["ssh key"]].OK || got["read="+w.secrets["aws"]].OK {
				t.Errorf("with ~/.ssh named: ssh key %+v, aws %+v\n%s", got["read="+w.secrets["ssh key"]], got["read="+w.secrets["aws"]], stderr)
			}
		})
	}
}
