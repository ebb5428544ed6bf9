package sandbox

import (
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// The kernel tells a confined server only "permission denied"; Landlock writes nothing the
// person can read (its audit records, ABI 7, need the audit subsystem and privileges to read).
// What the person sees comes from the server's own error output instead: the way Node, Python
// and Go word a refused file operation is recognised and turned into one plain line.

// deniedPattern is one wording of a refusal; its fields say which submatch holds what.
type deniedPattern struct {
	re              *regexp.Regexp
	op, path, error int // submatch indexes; 0 means absent
	network         bool
}

var deniedPatterns = []deniedPattern{
	// Node: "EACCES: permission denied, open '/root/.ssh/id_rsa'"
	{re: regexp.MustCompile(`\b(EACCES|EPERM|ENOENT): [^,]+, (\w+) '(/[^']+)'`), error: 1, op: 2, path: 3},
	// Python: "PermissionError: [Errno 13] Permission denied: '/root/.ssh/id_rsa'"
	{re: regexp.MustCompile(`\[Errno (13|1|2)\] [^:]+: '(/[^']+)'`), error: 1, path: 2},
	// Go: "open /root/.ssh/id_rsa: permission denied", "dial unix /x.sock: connect: no such file or directory"
	{re: regexp.MustCompile(`\b(open|mkdir|remove|rename|stat|lstat|readdir|unlinkat|openat|symlink|link|chmod|fork/exec|dial unix) (/[^\s:]*):(?: (?:connect|socket):)? (permission denied|operation not permitted|no such file or directory)`), op: 1, path: 2, error: 3},
	// Go: "dial tcp 127.0.0.1:80: connect: network is unreachable"
	{re: regexp.MustCompile(`dial (?:tcp|udp)[46]? (\S+): connect: (network is unreachable|permission denied)`), path: 1, error: 2, network: true},
	// Node: "connect ENETUNREACH 127.0.0.1:80"
	{re: regexp.MustCompile(`connect (ENETUNREACH|EACCES|EPERM) (\S+)`), error: 1, path: 2, network: true},
}

// DeniedLog turns a confined server's error lines (and, through the daemon, its failed tool
// answers: daemon/sandbox_results.go) into plain sentences, each once: a server
// that retries the same refused path a thousand times costs the person one line. A missing
// file counts as refused only inside a folder the sandbox hides. Safe for concurrent use.
type DeniedLog struct {
	home   string
	hidden []string
	read   []string // granted to read only: a refusal there was a change
	mu     sync.Mutex
	seen   map[string]bool
}

// NewDeniedLog returns a DeniedLog for a server confined by r, showing paths relative to
// home.
func NewDeniedLog(home string, r Rules) *DeniedLog {
	return &DeniedLog{home: home, hidden: r.Hide, read: r.Read, seen: map[string]bool{}}
}

// Line recognises a line of the server's error output that reports a refused operation
// (in the words of Node, Python or Go) and returns it as one plain sentence, with the path
// shown relative to home: "tried to open ~/.ssh/id_rsa: not allowed by its sandbox". ok is
// false for any other line, and for a refusal already reported.
func (d *DeniedLog) Line(line string) (sentence string, ok bool) {
	s, ok := d.sentence(line)
	if !ok {
		return "", false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[s] {
		return "", false
	}
	d.seen[s] = true
	return s, true
}

func (d *DeniedLog) sentence(line string) (string, bool) {
	for _, p := range deniedPatterns {
		m := p.re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		group := func(i int) string {
			if i == 0 {
				return ""
			}
			return m[i]
		}
		target, errText := group(p.path), strings.ToLower(group(p.error))
		if p.network {
			return "tried to use the network (" + target + "): not allowed by its sandbox", true
		}
		if missing := errText == "enoent" || errText == "2" || strings.Contains(errText, "no such file"); missing {
			inHidden := false
			for _, h := range d.hidden {
				inHidden = inHidden || within(target, h)
			}
			if !inHidden {
				return "", false
			}
		}
		v := verb(group(p.op))
		for _, r := range d.read {
			if v == "tried to open" && within(target, r) {
				v = "tried to change"
			}
		}
		return v + " " + Pretty(target, d.home) + ": not allowed by its sandbox", true
	}
	return "", false
}

// verb words what the server tried. Node and Go report reading and writing a file alike
// ("open"), and Python names no operation at all: those are "tried to open".
func verb(op string) string {
	switch strings.ToLower(op) {
	case "scandir", "readdir", "stat", "lstat", "realpath", "readlink", "access":
		return "tried to read"
	case "mkdir", "rmdir", "remove", "rename", "unlink", "unlinkat", "symlink", "link", "chmod", "write", "copyfile", "utime":
		return "tried to change"
	case "fork/exec", "spawn", "execve":
		return "tried to run"
	case "connect", "dial unix":
		return "tried to connect to"
	}
	return "tried to open"
}

// Pretty shows p relative to home ("~/.ssh/id_rsa"), or as is when it is outside it.
func Pretty(p, home string) string {
	if home != "" && within(p, home) {
		rel, _ := filepath.Rel(home, p)
		if rel == "." {
			return "~"
		}
		return "~/" + filepath.ToSlash(rel)
	}
	return p
}
