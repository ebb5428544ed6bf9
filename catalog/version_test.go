package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.2.3", "1.2.3", 0},
		{"1.2.3", "1.2.4", -1},
		{"1.10.0", "1.9.9", 1},
		{"2026.8.31", "2026.8.18", 1},
		{"2025.4.25", "2026.1.1", -1},
		{"v0.31.0", "0.32.0", -1},
		{"V1.0.0", "v1.0.0", 0},
		{"1.2", "1.2.0", 0},
		{"1.2.0.1", "1.2", 1},
		{"1.0.0-rc.1", "1.0.0", -1},
		{"1.0.0-alpha", "1.0.0-alpha.1", -1},
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
		{"1.0.0-beta.11", "1.0.0-beta.2", 1},
		{"1.0.0-rc.1", "1.0.0-beta", 1},
		{"1.0.0+build.5", "1.0.0+build.7", 0},
		{"0.0.83", "1.52.0-alpha-2025-03-25", -1},
	}
	for _, tt := range tests {
		got, err := CompareVersions(tt.a, tt.b)
		if err != nil {
			t.Errorf("CompareVersions(%q, %q): %v", tt.a, tt.b, err)
			continue
		}
		if got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if back, _ := CompareVersions(tt.b, tt.a); back != -tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d (antisymmetry)", tt.b, tt.a, back, -tt.want)
		}
	}
}

func TestCompareVersionsRefusesWhatItCannotOrder(t *testing.T) {
	for _, v := range []string{"", "edge", "1.0rc1", "1..2", "1.0.0-", "latest", "sha256:abc"} {
		if _, err := CompareVersions(v, "1.0.0"); err == nil {
			t.Errorf("CompareVersions(%q, 1.0.0) succeeded, want an error", v)
		}
	}
}

func TestExactVersions(t *testing.T) {
	tests := []struct {
		registryType, version string
		want                  bool
	}{
		{RegistryNPM, "1.2.3", true},
		{RegistryNPM, "2026.8.31", true},
		{RegistryNPM, "0.0.83", true},
		{RegistryNPM, "1.0.0-beta.1+sha.5", true},
		{RegistryNPM, "1.2", false},
		{RegistryNPM, "v1.2.3", false},
		{RegistryNPM, "^1.2.3", false},
		{RegistryNPM, "1.2.x", false},
		{RegistryNPM, ">=1.0.0 <2", false},
		{RegistryNPM, "01.2.3", false},
		{RegistryPyPI, "2025.4.25", true},
		{RegistryPyPI, "1.0", true},
		{RegistryPyPI, "1.0rc1", true},
		{RegistryPyPI, "1.0.post2", true},
		{RegistryPyPI, "1!2.0", true},
		{RegistryPyPI, "==1.0", false},
		{RegistryPyPI, "1.0.*", false},
		{RegistryPyPI, "~=1.0", false},
		{RegistryOCI, "v0.31.0", true},
		{RegistryOCI, "1.5.1", true},
		{RegistryOCI, "latest", false},
		{RegistryOCI, "main", false},
		{RegistryOCI, "", false},
		{"mcpb", "1.0.0", false},
	}
	for _, tt := range tests {
		if got := isExactPackageVersion(tt.registryType, tt.version); got != tt.want {
			t.Errorf("isExactPackageVersion(%s, %q) = %v, want %v", tt.registryType, tt.version, got, tt.want)
		}
	}
	for v, want := range map[string]bool{
		"1.0.0": true, "2025.01.01": true, "1": true, "1.0.0-rc1": true,
		"": false, "latest": false, "LATEST": false, "^1.0": false, "~1": false, "1.x": false,
		"1.*": false, ">=1": false, "1 || 2": false, "x": false,
	} {
		if got := isExactVersion(v); got != want {
			t.Errorf("isExactVersion(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestParseImageRef(t *testing.T) {
	dg := "sha256:" + "ab"
	tests := map[string]imageRef{
		"img":                          {Name: "img"},
		"o/img:1.0":                    {Name: "o/img", Tag: "1.0"},
		"ghcr.io/o/img:v0.31.0":        {Name: "ghcr.io/o/img", Tag: "v0.31.0"},
		"localhost:5000/img":           {Name: "localhost:5000/img"},
		"localhost:5000/img:2":         {Name: "localhost:5000/img", Tag: "2"},
		"o/img@" + dg:                  {Name: "o/img", Digest: dg},
		"o/img:1.0@" + dg:              {Name: "o/img", Tag: "1.0", Digest: dg},
		"registry.example.com:443/a/b": {Name: "registry.example.com:443/a/b"},
	}
	for in, want := range tests {
		got := parseImageRef(in)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("parseImageRef(%q) (-want +got):\n%s", in, diff)
		}
		if got.String() != in {
			t.Errorf("parseImageRef(%q).String() = %q", in, got.String())
		}
	}
}
