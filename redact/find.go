package redact

import "strings"

// Found returns the names (the keys given to New or Set) of the known secrets that occur in
// b, in any of the encodings Redact knows, each once, in the order they first occur. Where
// two occurrences overlap only the first one's name is given. It never returns a value.
func (r *Redactor) Found(b []byte) []string {
	m := r.current()
	if m == nil {
		return nil
	}
	var names []string
	for _, sp := range scan(m, b, nil) {
		name := strings.TrimSuffix(strings.TrimPrefix(sp.marker, "[redacted:"), "]")
		if !contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// Generation counts the changes of the set of secrets (calls to Set): a caller that derives
// something from the secrets can tell cheaply whether it must derive it again. A nil
// Redactor's generation is 0.
func (r *Redactor) Generation() uint64 {
	if r == nil {
		return 0
	}
	return r.gen.Load()
}
