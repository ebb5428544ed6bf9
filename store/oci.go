package store

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/mcptray/mcptray/config"
)

// buildOCI pins an image to the digest its tag names on the registry right now, and returns
// the docker command line that runs the image by that digest: a tag pushed again later
// (by the image's owner or by whoever took over the account) never changes what runs.
// Nothing is stored in MCP Tray's folder, so Frozen.Dir and Frozen.Tree are empty and
// Verify has nothing to check: Docker itself checks the image against its digest when it
// pulls it, which it does on the first start.
//
// The registry is asked with the person's Docker credentials when they have some for it
// (Docker's config.json and credential helpers), anonymously otherwise. Registries on this
// computer or a private network are reached over plain HTTP, as Docker does.
func (s *Store) buildOCI(ctx context.Context, server string, p Package, progress func(string)) (config.Frozen, []string, error) {
	ref, err := name.ParseReference(p.Name+":"+p.Version, name.StrictValidation)
	if err != nil {
		return config.Frozen{}, nil, fmt.Errorf("%q is not an image MCP Tray can pin", p.Name+":"+p.Version)
	}
	progress(fmt.Sprintf("Asking the registry which image %s is now, to run exactly that one.", ref))
	digest, err := s.imageDigest(ctx, ref)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	pinned := ref.Context().Digest(digest)
	progress(fmt.Sprintf("Pinned %s to %s: this server runs that image even if the tag is moved.", ref, digest))
	f := config.Frozen{Registry: "oci", Package: p.Name, Version: p.Version, Lock: digest}
	argv := append(append([]string{"docker"}, slices.Clip(p.Args)...), pinned.String())
	return f, argv, nil
}

// imageDigest asks the registry for the digest of ref's manifest (for a multi-platform image,
// of its index: Docker picks the platform's image from it and checks it against the index).
func (s *Store) imageDigest(ctx context.Context, ref name.Reference) (string, error) {
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}
	if s.HTTP != nil && s.HTTP.Transport != nil {
		opts = append(opts, remote.WithTransport(s.HTTP.Transport))
	} else {
		opts = append(opts, remote.WithTransport(http.DefaultTransport))
	}
	desc, err := remote.Head(ref, opts...)
	if err != nil {
		// Some registries answer HEAD without the digest: read the manifest instead.
		got, getErr := remote.Get(ref, opts...)
		if getErr != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			return "", fmt.Errorf("the registry did not say which image %s is (%v), so MCP Tray cannot pin it", ref, getErr)
		}
		desc = &got.Descriptor
	}
	if desc.Digest.Algorithm != "sha256" || len(desc.Digest.Hex) != 64 {
		return "", fmt.Errorf("the registry gave %s a digest MCP Tray cannot use (%s)", ref, desc.Digest)
	}
	return desc.Digest.String(), nil
}
