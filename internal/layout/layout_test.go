package layout

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/mcptray/mcptray"

// faces are the folders allowed to import Fyne and app/: the tray app, the binaries, and the
// tests that drive the window. Every other package is core (DESIGN.md, "Packages").
var faces = []string{"app", "cmd", "test/gui"}

// apiDir is the package that declares every control method (issue #19, "A typed core API").
// Until it exists, TestControlMethodsAreNamedOnlyInTheAPIPackage only reports.
const apiDir = "api"

func root(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func goList(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list %v: %v\n%s", args, err, stderr)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// isFace reports whether the package with import path p is app/, cmd/ or test/gui (or below).
func isFace(p string) bool {
	rel, ok := strings.CutPrefix(p, module+"/")
	if !ok {
		return false
	}
	for _, f := range faces {
		if rel == f || strings.HasPrefix(rel, f+"/") {
			return true
		}
	}
	return false
}

// TestCorePackagesDoNotImportTheGUI keeps every core package, and its tests, free of Fyne and
// of app/, so the core builds and tests without cgo or a display and the GUI stays a renderer.
func TestCorePackagesDoNotImportTheGUI(t *testing.T) {
	dir := root(t)
	var core []string
	for _, p := range goList(t, dir, "-tags", "ci", "./...") {
		if !isFace(p) {
			core = append(core, p)
		}
	}
	if len(core) < 10 {
		t.Fatalf("found only %v; the core packages moved?", core)
	}
	// One line a package and test variant: its import path, then every package it depends on.
	lines := goList(t, dir, append([]string{"-tags", "ci", "-test", "-f", "{{.ImportPath}}|{{join .Deps \"|\"}}"}, core...)...)
	for _, line := range lines {
		deps := strings.Split(line, "|")
		for _, dep := range deps[1:] {
			if strings.HasPrefix(dep, "fyne.io/") || dep == module+"/app" || strings.HasPrefix(dep, module+"/app/") {
				t.Errorf("the core package %s depends on %s; keep the GUI in app/, cmd/ and test/gui", deps[0], dep)
				break
			}
		}
	}
}

// controlCall reports whether a function of this name sends or serves a control method
// named by its first string argument: Call, call, callThen, Stream, Handle, HandleStream, ….
func controlCall(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "call") || strings.HasPrefix(n, "stream") || strings.HasPrefix(n, "handle")
}

// callee is the name of the function a call expression calls ("Call" for h.client.Call).
func callee(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.IndexExpr: // callThen[T](...)
		return callee(&ast.CallExpr{Fun: f.X})
	case *ast.IndexListExpr:
		return callee(&ast.CallExpr{Fun: f.X})
	}
	return ""
}

// methodSites finds, in every Go file under dir but apiDir and control/, the calls that name a control
// method with a string literal, in one of the first two arguments. The methods are those the
// daemon registers with a literal (Handle, HandleStream).
func methodSites(t *testing.T, dir string) (prod, tests []string) {
	t.Helper()
	type site struct {
		pos    string
		method string
		test   bool
	}
	var sites []site
	methods := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			// control/ is the transport: its own tests name made-up methods.
			if rel == apiDir || rel == "control" || strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil // not ours to judge: go vet reports it
		}
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || !controlCall(callee(c)) {
				return true
			}
			for _, a := range c.Args[:min(2, len(c.Args))] {
				lit, ok := a.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				m, err := strconv.Unquote(lit.Value)
				if err != nil {
					continue
				}
				name := callee(c)
				if (name == "Handle" || name == "HandleStream") && strings.HasPrefix(rel, "daemon/") && !strings.HasSuffix(rel, "_test.go") {
					methods[m] = true
				}
				p := fset.Position(lit.Pos())
				sites = append(sites, site{rel + ":" + strconv.Itoa(p.Line), m, strings.HasSuffix(rel, "_test.go")})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(methods) < 10 {
		t.Fatalf("found only %d control methods the daemon registers; did the routes move?", len(methods))
	}
	for _, s := range sites {
		if !methods[s.method] {
			continue
		}
		line := s.pos + ": " + strconv.Quote(s.method)
		if s.test {
			tests = append(tests, line)
		} else {
			prod = append(prod, line)
		}
	}
	slices.Sort(prod)
	slices.Sort(tests)
	return prod, tests
}

// TestControlMethodsAreNamedOnlyInTheAPIPackage: a control method is named by a string only
// in the API package, which declares each method once with its params and result types. Until
// that package exists (#19), this only reports how many call sites still name one (run with
// -v to see them); from then on each one fails.
func TestControlMethodsAreNamedOnlyInTheAPIPackage(t *testing.T) {
	dir := root(t)
	prod, tests := methodSites(t, dir)
	if _, err := os.Stat(filepath.Join(dir, apiDir)); err != nil {
		t.Logf("report only (no %s/ package yet): %d call sites name a control method by a string (%d in code, %d in tests)",
			apiDir, len(prod)+len(tests), len(prod), len(tests))
		if testing.Verbose() {
			for _, s := range append(prod, tests...) {
				t.Log("  " + s)
			}
		}
		return
	}
	for _, s := range append(prod, tests...) {
		t.Errorf("%s: name the control method through the %s package, not by a string", s, apiDir)
	}
}
