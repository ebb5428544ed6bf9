package reconcile

import "slices"

// FileChange is what one file of a client gained and lost between two statuses.
type FileChange struct {
	Path    string
	Added   []string // servers the file has entries for now and had not before
	Removed []string // servers it had entries for before and has not now
	// Renamed maps an added server to the key it is listed under, when the person already
	// had an entry of that name.
	Renamed map[string]string
}

// Problem is the first file error of s (one sentence), "" when every file was written.
func (s ClientStatus) Problem() string {
	for _, f := range s.Files {
		if f.Error != "" {
			return f.Error
		}
	}
	return ""
}

// ChangesSince compares s with before, the same client's status before a change: for each
// file of s without an error, in order, the servers it gained and lost. Files that did not
// change are left out.
func (s ClientStatus) ChangesSince(before ClientStatus) []FileChange {
	var out []FileChange
	for _, f := range s.Files {
		if f.Error != "" {
			continue
		}
		var was ClientFile
		for _, b := range before.Files {
			if b.Path == f.Path {
				was = b
			}
		}
		ch := FileChange{Path: f.Path, Added: missingFrom(f.Servers, was.Servers), Removed: missingFrom(was.Servers, f.Servers)}
		if len(ch.Added)+len(ch.Removed) == 0 {
			continue
		}
		for _, name := range ch.Added {
			if key, ok := f.Renamed[name]; ok {
				if ch.Renamed == nil {
					ch.Renamed = map[string]string{}
				}
				ch.Renamed[name] = key
			}
		}
		out = append(out, ch)
	}
	return out
}

// missingFrom lists the names in a that are not in b, in a's order.
func missingFrom(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}
