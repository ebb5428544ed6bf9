package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"

	"github.com/mcptray/mcptray/config"
)

// buildOCI pulls an image and records its digest: the server then runs the image by digest,
// so a tag moved on the registry changes nothing. Nothing is stored in MCP Tray's folder
// (Docker keeps the image).
//
// Not exercised against a real Docker engine in MCP Tray's tests (see docs/install.md): only
// the command lines and the reading of the digest are.
func (s *Store) buildOCI(ctx context.Context, server string, p Package, progress func(string)) (config.Frozen, []string, error) {
	docker, err := lookAbs("docker")
	if err != nil {
		return config.Frozen{}, nil, errors.New("docker was not found on this computer; install Docker and try again")
	}
	ref := p.Name + ":" + p.Version
	progress(fmt.Sprintf("Pulling the image %s with Docker.", ref))
	for _, argv := range [][]string{dockerPull(ref), dockerDigest(ref)} {
		cmd := exec.CommandContext(ctx, docker, argv...)
		cmd.Env = s.environ()
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return config.Frozen{}, nil, fmt.Errorf("docker could not pull %s (%v): %s", ref, err, lastLines(errb.String(), 3))
		}
		if argv[0] == "image" {
			pinned, digest, err := digestRef(p.Name, out.String())
			if err != nil {
				return config.Frozen{}, nil, err
			}
			f := config.Frozen{Registry: "oci", Package: p.Name, Version: p.Version, Lock: digest}
			return f, []string{docker, "run", "-i", "--rm", pinned}, nil
		}
	}
	return config.Frozen{}, nil, errors.New("unreachable")
}

func dockerPull(ref string) []string { return []string{"pull", "--quiet", ref} }

func dockerDigest(ref string) []string {
	return []string{"image", "inspect", "--format", "{{json .RepoDigests}}", ref}
}

var repoDigestRE = regexp.MustCompile(`^(.+)@(sha256:[0-9a-f]{64})$`)

// digestRef reads `docker image inspect`'s RepoDigests and returns the reference of name by
// digest ("name@sha256:…") and the digest.
func digestRef(name, inspect string) (ref, digest string, err error) {
	for _, d := range strings.FieldsFunc(inspect, func(r rune) bool { return strings.ContainsRune("[]\",\n ", r) }) {
		m := repoDigestRE.FindStringSubmatch(d)
		if m == nil {
			continue
		}
		if m[1] == name || strings.HasSuffix(m[1], "/"+name) || strings.TrimPrefix(m[1], "docker.io/") == name {
			return name + "@" + m[2], m[2], nil
		}
	}
	return "", "", fmt.Errorf("docker gave no digest for %s, so MCP Tray cannot pin it", name)
}
