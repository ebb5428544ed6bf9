package catalog

import "github.com/mcptray/mcptray/sandbox"

// sandboxFor is the sandbox a catalog server starts with: every folder the person gave it in
// answer to a folder question (to read, for a server that only looks; to read and change
// otherwise), and the network unless the entry works on local files only. Servers run by
// Docker get none: the Docker command talks to a daemon outside any sandbox, so confining it
// would promise what it cannot keep.
func sandboxFor(e Entry, rt Runtime, folders []string) *sandbox.Spec {
	if rt == "" || rt == RuntimeDocker {
		return nil
	}
	s := &sandbox.Spec{Network: !e.Meta.Offline}
	if e.Meta.ReadOnly {
		s.Read = append(s.Read, folders...)
	} else {
		s.Write = append(s.Write, folders...)
	}
	return s
}
