package kube

import "strings"

// DefaultProductionPatterns are used when a person set none.
var DefaultProductionPatterns = []string{"prod", "production", "prd", "live"}

// Production says which contexts are production. The zero value uses the default patterns.
type Production struct {
	// Patterns mark a context as production when its name, cluster or namespace contains
	// one of them, ignoring case; nil means DefaultProductionPatterns. Empty patterns are
	// ignored. Matching is by substring on purpose: a false "production" only asks more.
	Patterns []string
	// Contexts are context names the person marked as production (case ignored).
	Contexts []string
}

// Is reports whether c is a production context. It is safe for concurrent use.
func (p Production) Is(c Context) bool {
	for _, name := range p.Contexts {
		if strings.EqualFold(name, c.Name) {
			return true
		}
	}
	patterns := p.Patterns
	if patterns == nil {
		patterns = DefaultProductionPatterns
	}
	for _, pat := range patterns {
		pat = strings.ToLower(strings.TrimSpace(pat))
		if pat == "" {
			continue
		}
		for _, field := range []string{c.Name, c.Cluster, c.Namespace} {
			if strings.Contains(strings.ToLower(field), pat) {
				return true
			}
		}
	}
	return false
}
