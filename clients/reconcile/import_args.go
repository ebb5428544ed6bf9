package reconcile

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// moveArgCredentials takes every credential off srv's command line into secrets (and
// srv.Secrets), leaving a placeholder in the argument, and says what it moved. A header of
// mcp-remote gets ${NAME}, which mcp-remote fills in from its environment, so the value never
// shows on a command line; docker's or podman's `-e NAME=value` becomes `-e NAME`, which they
// read from their environment; any other argument gets ${secret:NAME}, which the supervisor
// fills in at spawn. The same value twice is kept once.
func moveArgCredentials(srv *config.Server, secrets map[string]string) []MovedCredential {
	found := clients.CredentialsInArgs(srv.Args)
	if len(found) == 0 {
		return nil
	}
	remote := slices.ContainsFunc(append([]string{srv.Command}, srv.Args...), isMCPRemote)
	keys := make([]string, len(found))
	for i, c := range found {
		value := srv.Args[c.Arg][c.Start:c.End]
		for k, v := range secrets {
			if v == value && slices.Contains(srv.Secrets, k) && (keys[i] == "" || k < keys[i]) {
				keys[i] = k
			}
		}
		if keys[i] != "" {
			continue
		}
		key := c.Name
		for n := 2; secrets[key] != "" || srv.Env[key] != "" || slices.Contains(srv.Secrets, key); n++ {
			key = fmt.Sprintf("%s_%d", c.Name, n)
		}
		keys[i] = key
		secrets[key] = value
		srv.Secrets = append(srv.Secrets, key)
	}
	container := isContainerTool(srv.Command)
	var moved []MovedCredential
	for i := len(found) - 1; i >= 0; i-- { // from the end, so earlier spans of an argument stay put
		c := found[i]
		a := srv.Args[c.Arg]
		switch {
		case c.Header && remote:
			srv.Args[c.Arg] = a[:c.Start] + "${" + keys[i] + "}" + a[c.End:]
		case container && c.Arg > 0 && (srv.Args[c.Arg-1] == "-e" || srv.Args[c.Arg-1] == "--env") && a[:c.Start] == keys[i]+"=" && c.End == len(a):
			srv.Args[c.Arg] = keys[i] // docker run -e NAME passes the variable on from its own environment
		default:
			srv.Args[c.Arg] = a[:c.Start] + "${secret:" + keys[i] + "}" + a[c.End:]
			moved = append(moved, MovedCredential{Key: keys[i], Where: c.Where, InArgs: true})
			continue
		}
		moved = append(moved, MovedCredential{Key: keys[i], Where: c.Where})
	}
	slices.Reverse(moved)
	return moved
}

// isContainerTool reports docker or podman, whose `run -e NAME` takes the value of NAME from
// their own environment.
func isContainerTool(command string) bool {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(command)), ".exe")
	return base == "docker" || base == "podman"
}

// isMCPRemote reports the mcp-remote bridge, as a package (mcp-remote, mcp-remote@1.2.3) or
// a path to its script.
func isMCPRemote(a string) bool {
	return a == "mcp-remote" || strings.HasPrefix(a, "mcp-remote@") || strings.Contains(a, "node_modules/mcp-remote/")
}
