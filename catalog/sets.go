package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// ParseSets turns a command line's --set KEY=VALUE answers to the questions qs of entry id
// into answers for Plan. Several values of a repeated question are joined (JoinRepeated). It
// refuses, in a sentence naming the flag, a pair without "=", a key that is no question (the
// sentence lists the questions there are), a second value for a question that takes one, and
// any secret: a command line is visible to other programs.
func ParseSets(id string, qs []Question, sets []string) (map[string]string, error) {
	values := map[string][]string{}
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--set takes KEY=VALUE, and %q is not that", kv)
		}
		i := slices.IndexFunc(qs, func(q Question) bool { return q.Key == k })
		switch {
		case i < 0:
			return nil, fmt.Errorf("there is no setting %q for %s; %s", k, id, settingsList(qs))
		case qs[i].Secret:
			return nil, fmt.Errorf("%s is a secret, so it never goes on the command line: type it when asked, or pipe it on standard input", k)
		case len(values[k]) > 0 && !qs[i].Repeated:
			return nil, fmt.Errorf("--set %s was given twice, but %s takes one value", k, k)
		}
		values[k] = append(values[k], v)
	}
	answers := map[string]string{}
	for k, vs := range values {
		answers[k] = JoinRepeated(vs...)
	}
	return answers, nil
}

// settingsList names the questions that --set may answer (every one but the secrets).
func settingsList(qs []Question) string {
	var keys []string
	for _, q := range qs {
		if !q.Secret {
			keys = append(keys, q.Key)
		}
	}
	if len(keys) == 0 {
		return "it takes no settings"
	}
	return "its settings are " + strings.Join(keys, ", ")
}
