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

// controlCall reports whether a function of this name sends or serves a control method named
// by its first string argument: control.Client's Call and Stream, control.Server's Handle and
// HandleStream (the only calls that take a method's name), and the app's old callThen and
// callDone. A wrapper that takes a name and passes it on is caught at its callers only when
// the name has a dot; every method declared since api/ exists has one.
func controlCall(name string) bool {
	switch strings.ToLower(name) {
	case "call", "stream", "handle", "handlestream", "callthen", "calldone":
		return true
	}
	return false
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

// apiMethods reads the method names the API package declares: the Name of every
// package-level Method[...]{...} or Stream[...]{...} literal in apiDir.
func apiMethods(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, filepath.Join(dir, apiDir), func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]bool{}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				idx, ok := lit.Type.(*ast.IndexListExpr)
				if !ok {
					return true
				}
				if id, ok := idx.X.(*ast.Ident); !ok || (id.Name != "Method" && id.Name != "Stream") {
					return true
				}
				for _, e := range lit.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Name" {
						if b, ok := kv.Value.(*ast.BasicLit); ok && b.Kind == token.STRING {
							if m, err := strconv.Unquote(b.Value); err == nil {
								methods[m] = true
							}
						}
					}
				}
				return false
			})
		}
	}
	return methods
}

// methodSites finds, in every Go file under dir but apiDir and control/, the string literals
// that name a control method the API package declares: as one of the first two arguments of
// a call that sends or serves one (Call, Stream, Handle, …), or anywhere when the name is one
// no ordinary word could be (it has a dot: "clients.set").
func methodSites(t *testing.T, dir string, methods map[string]bool) (prod, tests []string) {
	t.Helper()
	fset := token.NewFileSet()
	walkFiles(t, dir, func(rel, name string) bool {
		// control/ is the transport: its own tests name made-up methods.
		return rel == apiDir || rel == "control" || strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata"
	}, func(rel, path string) {
		if !strings.HasSuffix(path, ".go") {
			return
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return // not ours to judge: go vet reports it
		}
		seen := map[token.Pos]bool{}
		report := func(lit *ast.BasicLit) {
			m, err := strconv.Unquote(lit.Value)
			if err != nil || !methods[m] || seen[lit.Pos()] {
				return
			}
			seen[lit.Pos()] = true
			line := rel + ":" + strconv.Itoa(fset.Position(lit.Pos()).Line) + ": " + strconv.Quote(m)
			if strings.HasSuffix(rel, "_test.go") {
				tests = append(tests, line)
			} else {
				prod = append(prod, line)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if controlCall(callee(n)) {
					for _, a := range n.Args[:min(2, len(n.Args))] {
						if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							report(lit)
						}
					}
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING && strings.Contains(n.Value, ".") {
					report(n)
				}
			}
			return true
		})
	})
	slices.Sort(prod)
	slices.Sort(tests)
	return prod, tests
}

// TestControlMethodsAreNamedOnlyInTheAPIPackage: a control method is named by a string only
// in the API package, which declares each method once with its params and result types; the
// daemon serves it with api.Handle, the faces call it with api.Call. Every other site fails.
func TestControlMethodsAreNamedOnlyInTheAPIPackage(t *testing.T) {
	dir := root(t)
	methods := apiMethods(t, dir)
	if len(methods) < 10 {
		t.Fatalf("found only %d control methods in %s/; did the declarations move?", len(methods), apiDir)
	}
	prod, tests := methodSites(t, dir, methods)
	for _, s := range append(prod, tests...) {
		t.Errorf("%s: name the control method through the %s package (api.Call, api.Handle), not by a string", s, apiDir)
	}
}

// TestTheMethodCheckFindsEverySpelling runs the check on a small tree in testdata: a method
// named in a control call or a dotted name anywhere is reported; the API package's own names,
// ordinary words and other calls are not.
func TestTheMethodCheckFindsEverySpelling(t *testing.T) {
	dir := filepath.Join(root(t), "internal", "layout", "testdata", "methods")
	prod, tests := methodSites(t, dir, apiMethods(t, dir))
	want := []string{
		`face/face.go:4: "ping"`,
		`face/face.go:5: "logs"`,
		`face/face.go:6: "clients.set"`,
		`face/face.go:7: "clients.set"`,
	}
	if !slices.Equal(prod, want) || len(tests) != 0 {
		t.Errorf("found %q and in tests %q, want %q", prod, tests, want)
	}
}

// TestOnlyTheDaemonAndTheFacesImportTheAPI: package api sits between the core and its faces.
// It may use the core's data packages but not the daemon, the window or the command line; and
// only the daemon, the faces and the end-to-end tests (test/) import it, so a core
// package never grows a dependency on the control methods.
func TestOnlyTheDaemonAndTheFacesImportTheAPI(t *testing.T) {
	dir := root(t)
	apiPkg := module + "/" + apiDir
	users := []string{"daemon", "app", "cmd", "test", apiDir}
	lines := goList(t, dir, "-tags", "ci", "-f", "{{.ImportPath}}|{{join .Imports \"|\"}}", "./...")
	for _, line := range lines {
		f := strings.Split(line, "|")
		p, imports := f[0], f[1:]
		rel := strings.TrimPrefix(p, module+"/")
		if p == apiPkg {
			for _, imp := range imports {
				for _, face := range []string{"daemon", "app", "cmd"} {
					if imp == module+"/"+face || strings.HasPrefix(imp, module+"/"+face+"/") {
						t.Errorf("%s imports %s; it declares the methods and must not depend on what serves or calls them", apiDir, imp)
					}
				}
			}
			continue
		}
		if !slices.Contains(imports, apiPkg) {
			continue
		}
		allowed := false
		for _, u := range users {
			if rel == u || strings.HasPrefix(rel, u+"/") {
				allowed = true
			}
		}
		if !allowed {
			t.Errorf("%s imports %s; only the daemon, the faces and tests may", p, apiPkg)
		}
	}
}

// floorTag is the build tag whose relay forwards lines with no checks (gateway/floor_on.go):
// the relay benchmarks' measure of MCP Tray's wiring, never a binary a person runs.
const floorTag = "relayfloor"

// floorAllowed are the only files that may name the tag: its two sides, the test helper that
// builds the benchmarks' floor binary, the benchmarks and this check, and prose.
var floorAllowed = []string{"gateway/floor_on.go", "gateway/floor_off.go", "internal/testbin/testbin.go",
	"test/e2e/bench_test.go", "internal/layout/layout_test.go"}

// floorSites lists the files under dir, outside floorAllowed and Markdown, that name floorTag.
func floorSites(t *testing.T, dir string) []string {
	var sites []string
	walkFiles(t, dir, func(rel, name string) bool {
		return name == ".git" || name == "node_modules" || rel == "bench" || rel == "bin" || rel == "dist"
	}, func(rel, path string) {
		if strings.HasSuffix(rel, ".md") || slices.Contains(floorAllowed, rel) {
			return
		}
		if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), floorTag) {
			sites = append(sites, rel)
		}
	})
	return sites
}

// walkFiles calls visit with every file under dir, by its slash-separated path relative to
// dir and its full path, skipping the folders skip names (by relative path or base name).
func walkFiles(t *testing.T, dir string, skip func(rel, name string) bool, visit func(rel, path string)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		switch {
		case !d.IsDir():
			visit(rel, path)
		case rel != "." && skip(rel, d.Name()):
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOnlyTheBenchmarksBuildTheRelayFloor: a binary built with the relayfloor tag passes every
// tool call unchecked, so no build script, package or release recipe may name it.
func TestOnlyTheBenchmarksBuildTheRelayFloor(t *testing.T) {
	for _, s := range floorSites(t, root(t)) {
		t.Errorf("%s names the %s build tag; only the relay benchmarks may build with it (%v)", s, floorTag, floorAllowed)
	}
}

// TestTheFloorCheckSeesABuildThatUsesIt: a Makefile that builds with the tag is reported; the
// allowed files and prose are not.
func TestTheFloorCheckSeesABuildThatUsesIt(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"Makefile":                     "build:\n\tgo build -tags ci," + floorTag + " ./cmd/mcptray\n",
		"gateway/floor_on.go":          "//go:build " + floorTag + "\n",
		"docs/relay.md":                "built with " + floorTag + "\n",
		"scripts/fine.sh":              "go build ./cmd/mcptray\n",
		"node_modules/x/relayfloor.js": floorTag,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := floorSites(t, dir); !slices.Equal(got, []string{"Makefile"}) {
		t.Errorf("found %q, want only Makefile", got)
	}
}
