package installer

import (
	"encoding/json"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// valuesKey is the field of config.json's "source" block that keeps the non-secret answers
// given at install, so that an update plans the new version with the same settings.
// config.Source keeps fields it does not model, so the block round-trips through it.
const valuesKey = "values"

// answersToKeep are the plan's non-secret answers that were given. Secrets stay in the
// keychain only.
func answersToKeep(p catalog.InstallPlan, values map[string]string) map[string]string {
	out := map[string]string{}
	for _, q := range p.Questions {
		if v := strings.TrimSpace(values[q.Key]); v != "" && !q.Secret {
			out[q.Key] = v
		}
	}
	return out
}

// setSourceValues records answers in src's "values" field (nothing when empty).
func setSourceValues(src *config.Source, values map[string]string) {
	if len(values) == 0 {
		return
	}
	raw, err := json.Marshal(src)
	if err != nil {
		return
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return
	}
	m[valuesKey] = values
	if raw, err = json.Marshal(m); err == nil {
		_ = json.Unmarshal(raw, src)
	}
}

// sourceValues returns the answers recorded in src, and whether there were any.
func sourceValues(src *config.Source) (map[string]string, bool) {
	if src == nil {
		return nil, false
	}
	raw, err := json.Marshal(src)
	if err != nil {
		return nil, false
	}
	var m struct {
		Values map[string]string `json:"values"`
	}
	if json.Unmarshal(raw, &m) != nil || m.Values == nil {
		return nil, false
	}
	return m.Values, true
}
