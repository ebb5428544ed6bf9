package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcptray/mcptray/config"
)

// maxAnswerLen bounds one answer; nothing legitimate comes close.
const maxAnswerLen = 32 << 10

var placeholderRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// resolver collects questions and turns answers into values for one Plan call.
type resolver struct {
	answers    map[string]string
	collect    bool            // only register questions; resolve nothing
	secretKeys map[string]bool // keys whose merged question is secret (from a collect pass)
	used       map[string]bool
	questions  []Question
	byKey      map[string]int
	envOrder   []string
	hasEnv     map[string]bool
	folders    []string // answers to folder questions: what the server's sandbox grants
}

func newResolver(answers map[string]string, collect bool) *resolver {
	return &resolver{
		answers: answers, collect: collect,
		used: map[string]bool{}, byKey: map[string]int{}, hasEnv: map[string]bool{},
	}
}

// register adds a question, or merges it into an earlier one with the same key: the same
// name used twice in an entry is one setting, and it is secret if any use says so.
func (r *resolver) register(key string, in Input, repeated bool) {
	if i, ok := r.byKey[key]; ok {
		q := &r.questions[i]
		q.Required = q.Required || in.IsRequired
		q.Secret = q.Secret || in.IsSecret
		q.Repeated = q.Repeated || repeated
		q.Description = firstNonEmpty(q.Description, in.Description)
		q.Default = firstNonEmpty(q.Default, in.Default)
		q.Placeholder = firstNonEmpty(q.Placeholder, in.Placeholder)
		if len(q.Choices) == 0 {
			q.Choices = in.Choices
		}
		return
	}
	r.byKey[key] = len(r.questions)
	r.questions = append(r.questions, Question{
		Key: key, Label: humanize(key), Description: in.Description,
		Required: in.IsRequired, Secret: in.IsSecret, Default: in.Default,
		Choices: in.Choices, Format: firstNonEmpty(in.Format, FormatString),
		Repeated: repeated, Placeholder: in.Placeholder,
	})
}

// resolve registers the question for key and returns its checked value(s). ok is false when
// there is neither an answer nor a default; a missing required answer is an error.
func (r *resolver) resolve(key string, in Input, repeated, forArg bool) (vals []string, secret, ok bool, err error) {
	r.register(key, in, repeated)
	r.used[key] = true
	secret = in.IsSecret || r.secretKeys[key]
	if r.collect {
		return nil, secret, false, nil
	}
	raw := strings.TrimSpace(r.answers[key])
	if raw == "" {
		raw = in.Default
	}
	if raw == "" {
		if in.IsRequired {
			return nil, secret, false, fmt.Errorf("%w: %s", ErrMissingAnswer, r.describe(key))
		}
		return nil, secret, false, nil
	}
	vals = []string{raw}
	if repeated {
		vals = vals[:0]
		for line := range strings.Lines(raw) {
			if line = strings.TrimSpace(line); line != "" {
				vals = append(vals, line)
			}
		}
	}
	for i, v := range vals {
		if vals[i], err = checkValue(v, in, forArg, secret); err != nil {
			return nil, secret, false, fmt.Errorf("%w: %s %v", ErrBadAnswer, r.describe(key), err)
		}
		if in.Format == FormatFilepath && !slices.Contains(r.folders, vals[i]) {
			r.folders = append(r.folders, vals[i])
		}
	}
	return vals, secret, true, nil
}

// expand substitutes {name} placeholders defined in in.Variables. ok is false when an
// optional variable has no value, in which case the caller leaves the element out. secret is
// true when the input or any variable it uses is secret.
func (r *resolver) expand(path string, in InputWithVariables, forArg bool) (val string, secret, ok bool, err error) {
	secret, ok = in.IsSecret, true
	val = placeholderRE.ReplaceAllStringFunc(in.Value, func(m string) string {
		name := m[1 : len(m)-1]
		def, defined := in.Variables[name]
		if !defined {
			return m // the schema says an undefined placeholder stays as written
		}
		vals, varSecret, got, verr := r.resolve(name, def, false, forArg)
		secret = secret || varSecret
		if verr != nil && err == nil {
			err = verr
		}
		if !got {
			ok = false
			return m
		}
		return vals[0]
	})
	return val, secret, ok && err == nil, err
}

// renderArg turns one argument into argv items, or none when it is optional and unanswered.
// A secret never becomes an argument: the entry is refused instead.
func (r *resolver) renderArg(path string, a Argument) ([]string, error) {
	var vals []string
	var secret, ok bool
	var err error
	key := argKey(a)
	if a.Value != "" {
		var v string
		v, secret, ok, err = r.expand(path, a.InputWithVariables, true)
		vals = []string{v}
	} else {
		vals, secret, ok, err = r.resolve(key, a.Input, a.IsRepeated, true)
	}
	if err != nil {
		return nil, err
	}
	if secret {
		return nil, fmt.Errorf("%w: %s (%s) is secret, and MCP Tray never puts secrets on a command line", ErrSecretInArgs, path, key)
	}
	if !ok {
		return nil, nil
	}
	var argv []string
	for _, v := range vals {
		if config.SecretRef.MatchString(v) {
			// MCP Tray fills ${secret:NAME} in from the keychain when the server starts: the
			// secret would then be on the command line after all.
			return nil, fmt.Errorf("%w: %s names a saved secret (%s), and MCP Tray never puts secrets on a command line", ErrSecretInArgs, path, config.SecretRef.FindString(v))
		}
		switch {
		case a.Type == ArgPositional:
			argv = append(argv, v)
		case a.Format == FormatBoolean:
			if strings.EqualFold(v, "true") {
				argv = append(argv, a.Name) // a switch: present or absent, never "--flag true"
			}
		default:
			argv = append(argv, a.Name, v)
		}
	}
	return argv, nil
}

// argKey is the answer key of an argument: its valueHint, else its flag without dashes.
func argKey(a Argument) string {
	if a.ValueHint != "" {
		return a.ValueHint
	}
	if a.Name != "" {
		return strings.TrimLeft(a.Name, "-")
	}
	return a.Value
}

// keyValue resolves an environment variable or header: a fixed value (with placeholders) or
// an answer keyed by its name.
func (r *resolver) keyValue(path string, kv KeyValueInput) (val string, secret, ok bool, err error) {
	if kv.Value != "" {
		return r.expand(path, kv.InputWithVariables, false)
	}
	vals, secret, ok, err := r.resolve(kv.Name, kv.Input, false, false)
	if !ok || err != nil {
		return "", secret, false, err
	}
	return vals[0], secret, true, nil
}

// env adds an environment variable to the plan: secrets to Secrets, the rest to Env. The
// first definition of a name wins.
func (r *resolver) env(path string, kv KeyValueInput, p *InstallPlan) error {
	if r.hasEnv[kv.Name] {
		return nil
	}
	val, secret, ok, err := r.keyValue(path, kv)
	if err != nil || !ok {
		return err
	}
	r.addEnvName(kv.Name)
	if secret {
		p.Secrets = append(p.Secrets, Secret{Env: kv.Name, Value: SecretValue(val)})
	} else {
		p.Env[kv.Name] = val
	}
	return nil
}

func (r *resolver) addEnvName(name string) {
	if !r.hasEnv[name] {
		r.hasEnv[name] = true
		r.envOrder = append(r.envOrder, name)
	}
}

// checkUnknown fails on answers that no question asked for, which is almost always a typo.
func (r *resolver) checkUnknown() error {
	var unknown []string
	for k := range r.answers {
		if !r.used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	keys := make([]string, len(r.questions))
	for i, q := range r.questions {
		keys[i] = q.Key
	}
	takes := "no settings"
	if len(keys) > 0 {
		takes = strings.Join(keys, ", ")
	}
	return fmt.Errorf("%w: %q; this server takes %s", ErrUnknownAnswer, unknown[0], takes)
}

func (r *resolver) describe(key string) string {
	if i, ok := r.byKey[key]; ok && r.questions[i].Description != "" {
		return fmt.Sprintf("%s (%s)", key, strings.TrimSuffix(r.questions[i].Description, "."))
	}
	return key
}

// checkValue validates one answer against its input and returns it normalized ("~/x" made
// absolute, booleans lowercased). Values that go on a command line must be one line and must
// not start with '-', which the server would read as an option. A secret's value is never
// quoted in the error.
func checkValue(v string, in Input, forArg, secret bool) (string, error) {
	shown := fmt.Sprintf("%q", v)
	if secret {
		shown = "what was entered"
	}
	switch {
	case len(v) > maxAnswerLen:
		return "", fmt.Errorf("is too long")
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return "", fmt.Errorf("contains characters that cannot be passed to a program")
	case forArg && strings.ContainsAny(v, "\r\n"):
		return "", fmt.Errorf("must fit on one line")
	}
	switch in.Format {
	case FormatNumber:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "", fmt.Errorf("must be a number, not %s", shown)
		}
	case FormatBoolean:
		v = strings.ToLower(v)
		if v != "true" && v != "false" {
			return "", fmt.Errorf("must be true or false, not %s", shown)
		}
	case FormatFilepath:
		p, err := absPath(v, shown)
		if err != nil {
			return "", err
		}
		v = p
	}
	if len(in.Choices) > 0 && !slices.Contains(in.Choices, v) {
		return "", fmt.Errorf("must be one of %s, not %s", strings.Join(in.Choices, ", "), shown)
	}
	if forArg && strings.HasPrefix(v, "-") && in.Format != FormatNumber {
		return "", fmt.Errorf("must not start with '-', which the server would read as an option")
	}
	return v, nil
}

// absPath expands a leading "~" and insists on a full path: the server is started by MCP
// Tray, not from a terminal, so a relative path would point somewhere unexpected.
func absPath(v, shown string) (string, error) {
	if v == "~" || strings.HasPrefix(v, "~/") || strings.HasPrefix(v, `~\`) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("starts with ~, but the home folder is unknown: %v", err)
		}
		v = filepath.Join(home, v[1:])
	}
	if !filepath.IsAbs(v) {
		return "", fmt.Errorf("must be a full path such as %s, not %s", examplePath(), shown)
	}
	return filepath.Clean(v), nil
}

func examplePath() string {
	if filepath.Separator == '\\' {
		return `C:\Users\you\Documents`
	}
	return "/Users/you/Documents"
}

// humanize turns a key such as "GITHUB_PERSONAL_ACCESS_TOKEN" or "allowed_directory" into a
// label such as "Github personal access token".
func humanize(key string) string {
	s := strings.Join(strings.FieldsFunc(strings.ToLower(key), func(r rune) bool {
		return r == '_' || r == '-' || r == '.'
	}), " ")
	if s == "" {
		return key
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
