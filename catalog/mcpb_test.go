package catalog

import (
	"errors"
	"strings"
	"testing"
)

func TestBundleOf(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	entry := func(pkg Package) Entry {
		return Entry{Server: Server{Name: "io.github.x/weather", Version: "1.0.0", Packages: []Package{pkg}}}
	}
	ref, ok, err := BundleOf(entry(Package{RegistryType: RegistryMCPB, Identifier: "https://example.com/w.mcpb",
		Version: "1.0.0", FileSHA256: strings.ToUpper(sum), Transport: Transport{Type: "stdio"}}))
	if err != nil || !ok || ref != (BundleRef{URL: "https://example.com/w.mcpb", SHA256: sum, Version: "1.0.0"}) {
		t.Fatalf("BundleOf = %+v, %v, %v", ref, ok, err)
	}
	if _, ok, err := BundleOf(entry(Package{RegistryType: RegistryNPM, Identifier: "x", Version: "1.0.0"})); ok || err != nil {
		t.Errorf("an npm entry is a bundle: %v %v", ok, err)
	}
	for _, c := range []struct {
		name string
		pkg  Package
		want string
	}{
		{"no checksum", Package{RegistryType: RegistryMCPB, Identifier: "https://example.com/w.mcpb"}, "fileSha256"},
		{"short checksum", Package{RegistryType: RegistryMCPB, Identifier: "https://example.com/w.mcpb", FileSHA256: "abcd"}, "fileSha256"},
		{"file path", Package{RegistryType: RegistryMCPB, Identifier: "/etc/w.mcpb", FileSHA256: sum}, "identifier"},
		{"other scheme", Package{RegistryType: RegistryMCPB, Identifier: "file:///etc/w.mcpb", FileSHA256: sum}, "identifier"},
		{"credentials in the address", Package{RegistryType: RegistryMCPB, Identifier: "https://u:p@example.com/w.mcpb", FileSHA256: sum}, "identifier"},
		{"http transport", Package{RegistryType: RegistryMCPB, Identifier: "https://example.com/w.mcpb", FileSHA256: sum, Transport: Transport{Type: "sse"}}, "transport"},
	} {
		_, ok, err := BundleOf(entry(c.pkg))
		if !ok || !errors.Is(err, ErrInvalidEntry) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: ok %v, err %v; want an invalid-entry error naming %s", c.name, ok, err, c.want)
		}
		if err := ValidateBundlePackage("packages[0]", c.pkg); !errors.Is(err, ErrInvalidEntry) {
			t.Errorf("%s: ValidateBundlePackage = %v", c.name, err)
		}
	}
}
