package supervisor

import (
	"fmt"
	"slices"

	"github.com/mcptray/mcptray/config"
)

// An argument may name one of the server's secrets as ${secret:NAME}: the spawned process's
// argv gets the keychain's value in its place, for programs that take a credential only on
// their command line (a database address with its password, a --password flag). The value
// is put in at each spawn and nowhere else: the Spec, config.json and the logs keep the
// placeholder. Like any argument it can be seen by programs that list processes.

// argSecretRE finds ${secret:NAME} in an argument (config's one pattern).
var argSecretRE = config.SecretRef

// argsWithSecrets returns args with every ${secret:NAME} replaced by vals[NAME]; args itself
// is not changed. A placeholder naming no secret of the server (not in secrets) is an error
// with a sentence for the person.
func argsWithSecrets(server string, args, secrets []string, vals map[string]string) ([]string, error) {
	var out []string
	for i, a := range args {
		if !argSecretRE.MatchString(a) {
			continue
		}
		if out == nil {
			out = slices.Clone(args)
		}
		var missing string
		out[i] = argSecretRE.ReplaceAllStringFunc(a, func(m string) string {
			name := argSecretRE.FindStringSubmatch(m)[1]
			if !slices.Contains(secrets, name) {
				missing = name
				return m
			}
			return vals[name]
		})
		if missing != "" {
			return nil, fmt.Errorf("The server %q takes the credential %s on its command line, but %s is not one of its secrets; add it with: mcptray secret set %s %s", server, missing, missing, server, missing)
		}
	}
	if out == nil {
		return args, nil
	}
	return out, nil
}
