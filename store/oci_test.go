package store

import (
	"io"
	"log"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// push pushes a new random image as ref and returns its digest.
func push(t *testing.T, ref string) string {
	t.Helper()
	img, err := random.Image(256, 1)
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
	d, _ := img.Digest()
	return d.String()
}

// An image is pinned to the digest its tag names on a real (in-process) registry; the tag
// pushed again pins to the new image, and what was pinned before names the old one still.
func TestBuildOCIPinsTheDigest(t *testing.T) {
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(reg.Close)
	image := strings.TrimPrefix(reg.URL, "http://") + "/acme/srv"
	first := push(t, image+":1.0")
	s := &Store{Root: t.TempDir()}
	p := Package{Registry: "oci", Name: image, Version: "1.0", Args: []string{"run", "-i", "--rm", "-e", "LEVEL"}}
	f, argv, err := s.Build(t.Context(), "srv", p, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"docker", "run", "-i", "--rm", "-e", "LEVEL", image + "@" + first}
	if !slices.Equal(argv, want) || f.Lock != first || f.Registry != "oci" || f.Dir != "" || f.Tree != "" || f.Version != "1.0" {
		t.Fatalf("Build = %+v %q; want %q", f, argv, want)
	}
	if err := Verify(f); err != nil {
		t.Errorf("Verify of an image: %v", err)
	}
	second := push(t, image+":1.0")
	f2, argv2, err := s.Build(t.Context(), "srv", p, nil)
	if err != nil || f2.Lock != second || argv2[len(argv2)-1] != image+"@"+second || second == first {
		t.Errorf("after the tag moved: %+v %q %v", f2, argv2, err)
	}
	if argv[len(argv)-1] != image+"@"+first {
		t.Errorf("the first pin changed: %q", argv)
	}

	if _, _, err := s.Build(t.Context(), "srv", Package{Registry: "oci", Name: image, Version: "9.9"}, nil); err == nil ||
		!strings.Contains(err.Error(), "the registry did not say which image") {
		t.Errorf("a tag that is not there: %v", err)
	}
	if _, _, err := s.Build(t.Context(), "srv", Package{Registry: "oci", Name: "Bad Image", Version: "1"}, nil); err == nil {
		t.Error("an image name with a space was pinned")
	}
}
