package store

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/internal/pyindex"
)

func TestLockFromReport(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	item := func(name, version, archive string) string {
		return `{"metadata":{"name":"` + name + `","version":"` + version + `"},"download_info":{"url":"http://x/` + name + `.whl"` + archive + `}}`
	}
	hashed := `,"archive_info":{"hash":"sha256=` + sum + `","hashes":{"sha256":"` + sum + `"}}`
	p := Package{Name: "Tiny_MCP", Version: "1.0.0"}
	lock, err := lockFromReport([]byte(`{"install":[`+item("tiny-mcp", "1.0.0", hashed)+`,`+item("Tiny.Helper", "0.1.0", hashed)+`]}`), p, "http://i/simple")
	if err != nil {
		t.Fatal(err)
	}
	want := "--index-url http://i/simple\ntiny-helper==0.1.0 --hash=sha256:" + sum + "\ntiny-mcp==1.0.0 --hash=sha256:" + sum + "\n"
	if diff := cmp.Diff(want, string(lock)); diff != "" {
		t.Errorf("lock (-want +got):\n%s", diff)
	}
	for what, report := range map[string]string{
		"no hash":            item("tiny-mcp", "1.0.0", `,"archive_info":{}`),
		"a folder":           item("tiny-mcp", "1.0.0", `,"dir_info":{}`),
		"another version":    item("tiny-mcp", "1.0.1", hashed),
		"not the package":    item("other", "1.0.0", hashed),
		"an option as name":  item("tiny-mcp", "1.0.0", hashed) + `,` + item("--index-url=http://evil", "1", hashed),
		"a space in version": item("tiny-mcp", "1.0.0 --hash=sha256:00", hashed),
	} {
		if _, err := lockFromReport([]byte(`{"install":[`+report+`]}`), p, "http://i/simple"); err == nil {
			t.Errorf("%s: locked", what)
		}
	}
}

func TestPipCommandLines(t *testing.T) {
	resolve := pipResolveArgs("tiny-mcp==1.0.0", "http://i/simple")
	for _, want := range []string{"--dry-run", "--ignore-installed", "--only-binary=:all:", "--report"} {
		if !slices.Contains(resolve, want) {
			t.Errorf("resolving does not pass %s: %q", want, resolve)
		}
	}
	if resolve[len(resolve)-2] != "--" {
		t.Errorf("the package is not after --: %q", resolve)
	}
	install := pipInstallArgs("requirements.lock")
	for _, want := range []string{"--require-hashes", "--no-deps", "--only-binary=:all:", "--compile"} {
		if !slices.Contains(install, want) {
			t.Errorf("installing does not pass %s: %q", want, install)
		}
	}
	env := pythonBuildEnv([]string{"PATH=/bin", "PIP_FIND_LINKS=/x", "pip_index_url=http://evil", "PYTHONDONTWRITEBYTECODE=1", "PIP_CERT=/ca.pem"})
	if diff := cmp.Diff([]string{"PATH=/bin", "PIP_CERT=/ca.pem"}, env); diff != "" {
		t.Errorf("build environment (-want +got):\n%s", diff)
	}
	if s := venvScript(Package{Name: "mcp-server-time"}); s != filepath.Join("venv", "bin", "mcp-server-time") {
		t.Errorf("venvScript = %q", s)
	}
}

func TestRelocateVenv(t *testing.T) {
	built := filepath.Join(t.TempDir(), ".build-1.0-x", "venv")
	final := "/home/ada/.mcptray/servers/s/1.0/venv"
	bin := filepath.Join(built, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, content string) {
		if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(bin, "s"), "#!"+built+"/bin/python\nimport s\n")
	write(filepath.Join(bin, "long"), "#!/bin/sh\n'''exec' "+built+"/bin/python \"$0\" \"$@\"\n' '''\n")
	write(filepath.Join(built, "pyvenv.cfg"), "home = /usr/bin\ncommand = /usr/bin/python3 -m venv "+built+"\n")
	if err := os.Symlink("/usr/bin/python3", filepath.Join(bin, "python")); err != nil {
		t.Fatal(err)
	}
	if err := relocateVenv(built, final); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"bin/s":      "#!" + final + "/bin/python\nimport s\n",
		"bin/long":   "#!/bin/sh\n'''exec' " + final + "/bin/python \"$0\" \"$@\"\n' '''\n",
		"pyvenv.cfg": "home = /usr/bin\ncommand = /usr/bin/python3 -m venv " + final + "\n",
	} {
		got, _ := os.ReadFile(filepath.Join(built, file))
		if string(got) != want {
			t.Errorf("%s = %q; want %q", file, got, want)
		}
	}
	if target, _ := os.Readlink(filepath.Join(bin, "python")); target != "/usr/bin/python3" {
		t.Errorf("the python link was changed to %q", target)
	}
}

// needPip fails t unless python3 with pip and venv is here (`make test` needs it).
func needPip(t *testing.T) {
	t.Helper()
	if out, err := exec.Command("python3", "-m", "pip", "--version").CombinedOutput(); err != nil {
		t.Fatalf("this test needs python3 with pip and venv (python3 -m pip --version: %v %s)", err, out)
	}
}

// pyPackages serves tiny-mcp 1.0.0, which needs tiny-helper 0.1.0, from a local index.
func pyPackages(t *testing.T) (ix *pyindex.Index, helperName string, helper []byte) {
	ix = pyindex.New()
	t.Cleanup(ix.Close)
	helperName, helper = pyindex.Wheel("tiny-helper", "0.1.0", map[string]string{"tinyhelper/__init__.py": "X = 1\n"}, nil, nil)
	name, server := pyindex.Wheel("tiny-mcp", "1.0.0", map[string]string{
		"tinymcp/__init__.py": "",
		"tinymcp/server.py":   "import tinyhelper\n\ndef main():\n    print(tinyhelper.X)\n",
	}, []string{"tiny-helper==0.1.0"}, map[string]string{"tiny-mcp": "tinymcp.server:main"})
	ix.Add("tiny-helper", helperName, helper)
	ix.Add("tiny-mcp", name, server)
	return ix, helperName, helper
}

// Real pip against a real local index: the package and its dependency are locked with their
// checksums and installed into a virtual environment that runs from its final folder; the
// tree is verified, and a changed file is named.
func TestBuildPypi(t *testing.T) {
	needPip(t)
	ix, _, helper := pyPackages(t)
	s := &Store{Root: t.TempDir(), Env: append(os.Environ(), "HOME="+t.TempDir(), "PIP_NO_CACHE_DIR=1")}
	var said []string
	f, argv, err := s.Build(t.Context(), "tiny", Package{Registry: "pypi", Name: "tiny-mcp", Version: "1.0.0", RegistryURL: ix.SimpleURL()},
		func(m string) { said = append(said, m) })
	if err != nil {
		t.Fatal(err)
	}
	dir := s.Dir("tiny", "1.0.0")
	python, script := filepath.Join(dir, "venv", "bin", "python"), filepath.Join(dir, "venv", "bin", "tiny-mcp")
	if !slices.Equal(argv, []string{python, script}) || f.Registry != "pypi" || f.Dir != dir || f.Version != "1.0.0" {
		t.Fatalf("Build = %+v %q", f, argv)
	}
	lock, _ := os.ReadFile(filepath.Join(dir, "requirements.lock"))
	sum := sha256.Sum256(helper)
	if !strings.Contains(string(lock), "tiny-helper==0.1.0 --hash=sha256:"+hex.EncodeToString(sum[:])) || f.Lock != checksum(lock) {
		t.Errorf("lock %s:\n%s", f.Lock, lock)
	}
	out, err := exec.Command(python, script).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Errorf("running the installed server: %v %s", err, out)
	}
	if err := Verify(f); err != nil {
		t.Errorf("Verify after running it: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(s.Root, "tiny", ".build-*")); len(left) != 0 {
		t.Errorf("build folders left: %v", left)
	}

	changed := filepath.Join(dir, "venv", "bin", "python3")
	os.Remove(changed)
	os.Symlink("/bin/sh", changed)
	if err := Verify(f); err == nil || !strings.Contains(err.Error(), "("+filepath.Join("venv", "bin", "python3")+")") {
		t.Errorf("Verify after the python link was pointed elsewhere: %v", err)
	}
}

// A wheel swapped on the index after it was locked fails the install, which leaves nothing.
func TestBuildPypiRefusesAFileThatDoesNotMatchTheLock(t *testing.T) {
	needPip(t)
	ix, helperName, _ := pyPackages(t)
	s := &Store{Root: t.TempDir(), Env: append(os.Environ(), "HOME="+t.TempDir(), "PIP_NO_CACHE_DIR=1")}
	p := Package{Registry: "pypi", Name: "tiny-mcp", Version: "1.0.0", RegistryURL: ix.SimpleURL()}
	swapped := false
	_, _, err := s.Build(t.Context(), "tiny", p, func(m string) {
		if strings.HasPrefix(m, "Installing ") && !swapped {
			// Locked; now the index serves another file under the same name (with its own
			// checksum on the index page, as a compromised index would).
			_, evil := pyindex.Wheel("tiny-helper", "0.1.0", map[string]string{"tinyhelper/__init__.py": "X = 'evil'\n"}, nil, nil)
			ix.Add("tiny-helper", helperName, evil)
			swapped = true
		}
	})
	if !swapped {
		t.Fatal("the install never reached its install step")
	}
	if err == nil || !strings.Contains(err.Error(), "pip could not install tiny-mcp==1.0.0") || !strings.Contains(err.Error(), "DO NOT MATCH THE HASHES") {
		t.Fatalf("Build with a swapped file: %v", err)
	}
	t.Logf("the install said: %v", err)
	if left, _ := os.ReadDir(filepath.Join(s.Root, "tiny")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}
