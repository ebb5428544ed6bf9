package catalog

import "strings"

// Words for the command line about an entry and its questions. The window shows the same
// facts its own way (NeedsLine, Question.Kind); these are the terse forms a terminal prints.

// NeedsTool names what a person installs to run an entry with Entry.Needs: the runtime's
// short tool name ("Node.js", "uv", "Docker"), or that it needs nothing here.
func NeedsTool(needs string) string {
	switch needs {
	case NeedsNode:
		return RuntimeNPX.Tool()
	case NeedsPython:
		return RuntimeUVX.Tool()
	case NeedsDocker:
		return RuntimeDocker.Tool()
	}
	return "nothing (it runs elsewhere)"
}

// AccessWords says whether an entry's tools may change things: readOnly is the entry's
// read-only hint, nil when it gives none.
func AccessWords(readOnly *bool) string {
	switch {
	case readOnly == nil:
		return "may change things"
	case *readOnly:
		return "read-only"
	}
	return "can change things"
}

// Traits says, in plain words joined by "; ", how q is answered: required or optional,
// secret, its choices or format, repeatable, its default.
func (q Question) Traits() string {
	var t []string
	t = append(t, map[bool]string{true: "required", false: "optional"}[q.Required])
	if q.Secret {
		t = append(t, "secret, kept in the system keychain")
	}
	switch {
	case len(q.Choices) > 0:
		t = append(t, "one of "+strings.Join(q.Choices, ", "))
	case q.Format == FormatBoolean:
		t = append(t, "true or false")
	case q.Format == FormatNumber:
		t = append(t, "a number")
	case q.Format == FormatFilepath:
		t = append(t, "a full path")
	}
	if q.Repeated {
		t = append(t, "can be given more than once")
	}
	if q.Default != "" {
		t = append(t, "default "+q.Default)
	}
	return strings.Join(t, "; ")
}

// ExampleValue is the placeholder an example command line gives for q's answer: its first
// choice, or a word standing for a path, a boolean, a number or any value.
func (q Question) ExampleValue() string {
	switch {
	case len(q.Choices) > 0:
		return q.Choices[0]
	case q.Format == FormatFilepath:
		return "/full/path"
	case q.Format == FormatBoolean:
		return "true"
	case q.Format == FormatNumber:
		return "NUMBER"
	}
	return "VALUE"
}

// About is " (description)" for a question that has a description, without its final
// period, to follow the question's key in a sentence; "" when it has none.
func (q Question) About() string {
	if q.Description == "" {
		return ""
	}
	return " (" + strings.TrimSuffix(strings.TrimSpace(q.Description), ".") + ")"
}
