package installer

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/store"
)

// pkgEntry is a registry entry of one package; extra is spliced into the package, meta
// (when not "") is MCP Tray's own block.
func pkgEntry(t *testing.T, registryType, identifier, version, extra string) catalog.Entry {
	t.Helper()
	doc := fmt.Sprintf(`{"name":"io.github.acme/srv","description":"A server.","version":%q,"packages":[{"registryType":%q,"identifier":%q,"version":%q,"transport":{"type":"stdio"}%s}]}`,
		version, registryType, identifier, version, extra)
	e, err := catalog.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestFreezePlanPyPIAndOCI(t *testing.T) {
	for _, tc := range []struct {
		what         string
		registry, id string
		extra        string
		want         store.Package
		wantArgs     []string
		notFrozen    bool
	}{
		{what: "uvx pkg@ver", registry: "pypi", id: "mcp-server-time",
			extra: `,"packageArguments":[{"type":"named","name":"--local-timezone","value":"UTC"}]`,
			want:  store.Package{Registry: "pypi", Name: "mcp-server-time", Version: "1.2.3"}, wantArgs: []string{"--local-timezone", "UTC"}},
		{what: "uvx --index-url URL pkg@ver", registry: "pypi", id: "tiny",
			extra: `,"runtimeArguments":[{"type":"named","name":"--index-url","value":"http://127.0.0.1:9/simple"}]`,
			want:  store.Package{Registry: "pypi", Name: "tiny", Version: "1.2.3", RegistryURL: "http://127.0.0.1:9/simple"}},
		{what: "uvx --with", registry: "pypi", id: "tiny",
			extra:     `,"runtimeArguments":[{"type":"named","name":"--with","value":"evil"}]`,
			notFrozen: true},
		{what: "uvx --python 3.12", registry: "pypi", id: "tiny",
			extra:     `,"runtimeArguments":[{"type":"named","name":"--python","value":"3.12"}]`,
			notFrozen: true},
		{what: "uvx --index-url that is not a web address", registry: "pypi", id: "tiny",
			extra:     `,"runtimeArguments":[{"type":"named","name":"--index-url","value":"/tmp/wheels"}]`,
			notFrozen: true},
		{what: "docker run image:tag", registry: "oci", id: "ghcr.io/acme/srv",
			extra:    `,"environmentVariables":[{"name":"LEVEL","value":"info"}],"packageArguments":[{"type":"positional","value":"stdio"}]`,
			want:     store.Package{Registry: "oci", Name: "ghcr.io/acme/srv", Version: "1.2.3", Args: []string{"run", "-i", "--rm", "-e", "LEVEL"}},
			wantArgs: []string{"stdio"}},
		{what: "docker with a volume", registry: "oci", id: "ghcr.io/acme/srv",
			extra: `,"runtimeArguments":[{"type":"named","name":"-v","value":"/data:/data"}]`,
			want:  store.Package{Registry: "oci", Name: "ghcr.io/acme/srv", Version: "1.2.3", Args: []string{"run", "-i", "--rm", "-v", "/data:/data"}}},
		{what: "docker image by digest", registry: "oci", id: "ghcr.io/acme/srv@sha256:" + strings.Repeat("a", 64),
			notFrozen: true},
	} {
		e := pkgEntry(t, tc.registry, tc.id, "1.2.3", tc.extra)
		plan, err := catalog.Plan(e, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		p, args, ok := FreezePlan(e, plan)
		if ok == tc.notFrozen {
			t.Errorf("%s: frozen %v; want %v (args %q)", tc.what, ok, !tc.notFrozen, plan.Args)
			continue
		}
		if ok && (!cmp.Equal(tc.want, p, cmpopts.EquateEmpty()) || !cmp.Equal(tc.wantArgs, args, cmpopts.EquateEmpty())) {
			t.Errorf("%s: FreezePlan = %+v %q; want %+v %q", tc.what, p, args, tc.want, tc.wantArgs)
		}
	}
}

// pushRandom pushes a new random image to ref and returns its digest.
func pushRandom(t *testing.T, ref string) string {
	t.Helper()
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// A docker server is pinned at install to the digest its tag names on a real (in-process)
// OCI registry, and saved to run by that digest: the tag pushed again with another image
// later changes nothing saved. The container itself is not run (this machine has no Docker
// engine; the runtime is the fake one).
func TestFrozenOCIInstallPinsDigest(t *testing.T) {
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(reg.Close)
	host := strings.TrimPrefix(reg.URL, "http://")
	image := host + "/acme/srv"
	first := pushRandom(t, image+":1.0")

	in, _, h := setupHostile(t, "")
	in.Store = HomeStore(in.Source.Home)
	h.Serve("io.github.acme/srv", fmt.Sprintf(`{"name":"io.github.acme/srv","description":"A server.","version":"1.0","packages":[{"registryType":"oci","identifier":%q,"version":"1.0","transport":{"type":"stdio"},"environmentVariables":[{"name":"LEVEL","value":"info"}],"packageArguments":[{"type":"positional","value":"stdio"}]}]}`, image))
	lines, err := collect(t, context.Background(), in, Request{ID: "io.github.acme/srv"})
	if err != nil {
		t.Fatalf("install: %v\n%+v", err, lines)
	}
	var said bool
	for _, l := range lines {
		said = said || strings.Contains(l.Message, "Pinned "+image+":1.0 to "+first)
	}
	if !said {
		t.Errorf("the install did not say what it pinned: %+v", lines)
	}
	s := load(t, in).Servers["srv"]
	want := []string{"run", "-i", "--rm", "-e", "LEVEL", image + "@" + first, "stdio"}
	if s == nil || s.Command != "docker" || !cmp.Equal(want, s.Args) {
		t.Fatalf("saved %+v; want docker %q", s, want)
	}
	if f := s.Frozen; f == nil || f.Registry != "oci" || f.Package != image || f.Version != "1.0" || f.Lock != first || f.Dir != "" || f.Tree != "" {
		t.Fatalf("frozen %+v", s.Frozen)
	}
	if err := store.Verify(*s.Frozen); err != nil {
		t.Errorf("Verify of an image: %v", err)
	}

	// The tag is pushed again with another image: what is saved still names the first.
	second := pushRandom(t, image+":1.0")
	if second == first {
		t.Fatal("two random images had one digest")
	}
	e, err := in.Source.Lookup(context.Background(), "io.github.acme/srv")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := catalog.Plan(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _, ok := FreezePlan(e, plan)
	if !ok {
		t.Fatal("the plan is not frozen")
	}
	f, argv, err := (&store.Store{Root: t.TempDir()}).Build(context.Background(), "other", p, nil)
	if err != nil || f.Lock != second || argv[len(argv)-1] != image+"@"+second {
		t.Fatalf("a new pin of the moved tag = %+v %q %v; want %s", f, argv, err, second)
	}
	if got := load(t, in).Servers["srv"]; !cmp.Equal(want, got.Args) || got.Frozen.Lock != first {
		t.Errorf("after the tag moved, srv runs %q (lock %s); want %q", got.Args, got.Frozen.Lock, want)
	}
}
