package catalog

// Plain names what a person installs to get the runtime's command, in words for someone who
// has never heard of uv: "Node.js", "Python tools (uv)", "Docker". Tool is the short name
// the command line prints.
func (r Runtime) Plain() string {
	if r == RuntimeUVX {
		return "Python tools (uv)"
	}
	return r.Tool()
}

// NeedsLine is the line a catalog card shows about what the entry needs on this computer,
// for Entry.Needs: "Needs Node.js", "Needs Python tools (uv)", "Needs Docker", or, for a
// server that runs elsewhere, "Runs on the internet; needs nothing on this computer".
func NeedsLine(needs string) string {
	switch needs {
	case NeedsNode:
		return "Needs " + RuntimeNPX.Plain()
	case NeedsPython:
		return "Needs " + RuntimeUVX.Plain()
	case NeedsDocker:
		return "Needs " + RuntimeDocker.Plain()
	case "":
		return "Runs on the internet; needs nothing on this computer"
	}
	return "Needs " + needs
}
