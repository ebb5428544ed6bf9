package catalog

import (
	"context"
	"fmt"
)

// Installed identifies what is installed, for CheckUpdate.
type Installed struct {
	Name       string // registry name, e.g. "io.github.github/github-mcp-server"
	Identifier string // package identifier as installed; "" compares server versions instead
	Version    string // the exact version installed (package version, or image tag)
}

// Update is the result of CheckUpdate.
type Update struct {
	Installed string // the version installed
	Latest    string // the newest version of the same package in the registry
	Available bool   // true if Latest is newer than Installed
	Entry     Entry  // the registry's newest entry, ready for Plan
	Freshness
}

// CheckUpdate asks the registry for the newest version of an installed server and compares
// versions semantically ("1.10.0" is newer than "1.9.2"). It compares the version of the same
// package (for images: the same image name, by tag) when the newest entry still ships it, and
// the server versions otherwise. It blocks like Client.Latest and, offline, answers from the
// cache with Stale set. Versions that cannot be ordered (e.g. a tag like "edge") are an error.
func (c *Client) CheckUpdate(ctx context.Context, inst Installed) (Update, error) {
	e, fresh, err := c.Latest(ctx, inst.Name)
	if err != nil {
		return Update{}, fmt.Errorf("checking %s for updates: %w", inst.Name, err)
	}
	u := Update{Installed: inst.Version, Latest: latestVersionOf(e, inst.Identifier), Entry: e, Freshness: fresh}
	cmp, err := CompareVersions(u.Installed, u.Latest)
	if err != nil {
		return u, fmt.Errorf("checking %s for updates: %w", inst.Name, err)
	}
	u.Available = cmp < 0
	return u, nil
}

func latestVersionOf(e Entry, identifier string) string {
	if identifier != "" {
		want := parseImageRef(identifier).Name
		for _, p := range e.Server.Packages {
			switch {
			case p.RegistryType == RegistryOCI && parseImageRef(p.Identifier).Name == want:
				ref := imageReference(p)
				return firstNonEmpty(ref.Tag, ref.Digest)
			case p.RegistryType != RegistryOCI && p.Identifier == identifier:
				return p.Version
			}
		}
	}
	return e.Server.Version
}

// PackageVersion is the exact version Plan installs for the entry: the first package's
// version, or for an image its tag (or digest). It is what config.Source.Version records,
// and "" for a remote-only entry.
func (e Entry) PackageVersion() string {
	if len(e.Server.Packages) == 0 {
		return ""
	}
	p := e.Server.Packages[0]
	if p.RegistryType == RegistryOCI {
		ref := imageReference(p)
		return firstNonEmpty(ref.Tag, ref.Digest)
	}
	return p.Version
}

// PackageName is the first package's identifier without a tag or digest (for images), the
// text that names the package in an install plan's arguments; "" for a remote-only entry.
func (e Entry) PackageName() string {
	if len(e.Server.Packages) == 0 {
		return ""
	}
	p := e.Server.Packages[0]
	if p.RegistryType == RegistryOCI {
		return imageReference(p).Name
	}
	return p.Identifier
}

// PackageRef names the package an entry installs: the first package's registry type
// ("npm", "pypi", "oci"), identifier (an image without its tag), exact version, and the
// registry it comes from ("" for the registry type's default: registry.npmjs.org, pypi.org,
// Docker Hub). Zero for a remote-only entry.
type PackageRef struct {
	Registry    string `json:"registry"`
	Identifier  string `json:"identifier"`
	Version     string `json:"version"`
	RegistryURL string `json:"registryUrl,omitempty"`
}

// PackageRef returns the package the entry installs.
func (e Entry) PackageRef() PackageRef {
	if len(e.Server.Packages) == 0 {
		return PackageRef{}
	}
	p := e.Server.Packages[0]
	ref := PackageRef{Registry: p.RegistryType, Identifier: e.PackageName(), Version: e.PackageVersion()}
	switch base := p.RegistryBaseURL; {
	case base == "":
	case p.RegistryType == RegistryNPM && isHost(base, "registry.npmjs.org"):
	case p.RegistryType == RegistryPyPI && isHost(base, "pypi.org"):
	case p.RegistryType == RegistryOCI && (isHost(base, "docker.io") || isHost(base, "registry-1.docker.io") || isHost(base, "index.docker.io")):
	default:
		ref.RegistryURL = base
	}
	return ref
}
