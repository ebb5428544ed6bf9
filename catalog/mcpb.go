package catalog

import (
	"fmt"
	"net/url"
	"strings"
)

// BundleRef is where a registry entry's Claude extension bundle is and the checksum it must
// have. Nothing from the bundle is trusted until its bytes have that checksum.
type BundleRef struct {
	URL     string // http or https address of the .mcpb file
	SHA256  string // lowercase hex; the file is refused unless it matches
	Version string
}

// BundleOf returns the bundle e installs when its first package is a RegistryMCPB package.
// ok is false for any other entry; err says, naming the field, why a bundle package cannot be
// installed: MCP Tray installs a bundle only from a web address and only with its checksum.
func BundleOf(e Entry) (ref BundleRef, ok bool, err error) {
	if len(e.Server.Packages) == 0 || e.Server.Packages[0].RegistryType != RegistryMCPB {
		return BundleRef{}, false, nil
	}
	p := e.Server.Packages[0]
	return bundleRef("packages[0]", p)
}

func bundleRef(path string, p Package) (BundleRef, bool, error) {
	u, err := url.Parse(p.Identifier)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return BundleRef{}, true, invalid(path+".identifier", "%q is not the web address of a bundle", p.Identifier)
	}
	sum := strings.ToLower(p.FileSHA256)
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return BundleRef{}, true, invalid(path+".fileSha256", "a bundle needs its sha256 checksum, so that MCP Tray can tell it is the file the registry lists")
	}
	if p.Transport.Type != "" && p.Transport.Type != "stdio" {
		return BundleRef{}, true, invalid(path+".transport", "type %q: a bundle runs over stdio", p.Transport.Type)
	}
	return BundleRef{URL: p.Identifier, SHA256: sum, Version: p.Version}, true, nil
}

// ValidateBundlePackage checks a RegistryMCPB package as validatePackage checks the others
// (for validatePackage to call once it accepts RegistryMCPB; see docs/bundles.md).
func ValidateBundlePackage(path string, p Package) error {
	if p.RegistryType != RegistryMCPB {
		return fmt.Errorf("%w: %s.registryType: %q is not a bundle", ErrInvalidEntry, path, p.RegistryType)
	}
	_, _, err := bundleRef(path, p)
	return err
}

// RuntimeBundle is the runtime of a bundle's plan: the bundle's manifest names the program.
const RuntimeBundle Runtime = "mcpb"
