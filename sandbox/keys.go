package sandbox

import "slices"

// keyPlaces are where people's keys, passwords, tokens and browser data live in a home folder
// (relative to it): folders and single files. A confined server given a folder that holds one
// of them does not get it — the place is hidden as MCP Tray's own home is — unless the person
// granted that place, or something inside it, by name. Granting the whole home folder to a
// file server is a common choice; handing it ~/.ssh with it is not what the person meant.
var keyPlaces = []string{
	// keys and agents
	".ssh", ".gnupg", ".password-store", ".local/share/keyrings", ".pki",
	// cloud and cluster credentials
	".aws", ".azure", ".config/gcloud", ".kube", ".docker", ".oci", ".config/doctl",
	".config/hcloud", ".terraform.d", ".vault-token", ".s3cfg", ".boto", ".config/rclone",
	// code hosts and package registries
	".git-credentials", ".netrc", ".config/gh", ".config/hub", ".config/glab-cli",
	".npmrc", ".yarnrc", ".pypirc", ".gem/credentials", ".cargo/credentials", ".cargo/credentials.toml",
	// AI apps' own sign-ins
	".claude/.credentials.json", ".codex/auth.json", ".gemini/oauth_creds.json",
	".local/share/opencode/auth.json", ".config/github-copilot",
	// password managers and browsers (saved passwords, cookies)
	".config/op", ".config/Bitwarden", ".config/keepassxc", ".mozilla", ".thunderbird",
	".config/google-chrome", ".config/chromium", ".config/BraveSoftware", ".config/microsoft-edge",
	".config/vivaldi", ".config/opera",
	// macOS
	"Library/Keychains", "Library/Cookies", "Library/Application Support/Google/Chrome",
	"Library/Application Support/Firefox", "Library/Application Support/BraveSoftware",
	"Library/Application Support/Microsoft Edge", "Library/Safari",
}

// keysToHide returns the keyPlaces (absolute, under home) that lie strictly inside one of
// grants and that no grant names or reaches into: what the sandbox hides from a server given
// those grants.
func keysToHide(home string, grants []string) []string {
	if home == "" {
		return nil
	}
	var hide []string
	for _, k := range keyPlaces {
		p := expand("~/"+k, home)
		holds := slices.ContainsFunc(grants, func(g string) bool { return g != p && within(p, g) })
		named := slices.ContainsFunc(grants, func(g string) bool { return within(g, p) })
		if holds && !named {
			hide = append(hide, p)
		}
	}
	return hide
}
