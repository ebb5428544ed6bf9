package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
)

// asker gets answers from the person at a terminal, or from standard input in a script.
type asker struct {
	e        *env
	terminal bool
	in       *bufio.Reader
}

func newAsker(e *env) *asker {
	f, ok := e.stdin.(*os.File)
	return &asker{e: e, terminal: ok && term.IsTerminal(int(f.Fd())), in: bufio.NewReader(e.stdin)}
}

// line reads one line without its line ending; at the end of input it returns io.EOF.
func (a *asker) line() (string, error) {
	s, err := a.in.ReadString('\n')
	if err == io.EOF && s != "" {
		err = nil
	}
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	return strings.TrimRight(s, "\r\n"), err
}

// checkScript fails, naming the first one, when a required setting without a default has no
// --set and nobody is at a terminal to ask.
func (a *asker) checkScript(id string, qs []catalog.Question, answers map[string]string) error {
	if a.terminal {
		return nil
	}
	for _, q := range qs {
		if !q.Secret && q.Required && q.Default == "" && answers[q.Key] == "" {
			return usageError{fmt.Errorf("to install %s, give %s%s with --set %s=%s", id, q.Key, q.About(), q.Key, q.ExampleValue())}
		}
	}
	return nil
}

// askAll fills answers for the questions --set left open: at a terminal by asking, in a
// script by reading secrets from standard input, one per line.
func (a *asker) askAll(id string, qs []catalog.Question, answers map[string]string) error {
	for _, q := range qs {
		if _, given := answers[q.Key]; given {
			continue
		}
		var v string
		var err error
		switch {
		case q.Secret:
			v, err = a.secret(id, q)
		case a.terminal:
			v, err = a.prompt(q)
		}
		if err != nil {
			return err
		}
		if v != "" {
			answers[q.Key] = v
		}
	}
	return nil
}

func (a *asker) secret(id string, q catalog.Question) (string, error) {
	if !a.terminal {
		v, err := a.line()
		if err != nil && err != io.EOF {
			return "", err
		}
		if v == "" && q.Required {
			return "", usageError{fmt.Errorf("to install %s, pipe the secret %s%s on standard input, one secret per line in the order 'mcptray catalog show %s' lists them", id, q.Key, q.About(), id)}
		}
		return v, nil
	}
	a.describe(q)
	if !q.Required {
		fmt.Fprintln(a.e.stderr, "(optional: press Enter to skip)")
	}
	v, err := readSecret(a.e, q.Key)
	var empty usageError
	if err != nil && !q.Required && errors.As(err, &empty) {
		return "", nil
	}
	return v, err
}

// prompt asks one non-secret question at the terminal: its description, choices and default
// shown; a required one without a default is asked until answered.
func (a *asker) prompt(q catalog.Question) (string, error) {
	w := a.e.stderr
	a.describe(q)
	if len(q.Choices) > 0 {
		fmt.Fprintf(w, "Choices: %s\n", strings.Join(q.Choices, ", "))
	}
	hint := ""
	switch {
	case q.Default != "":
		hint = " [" + q.Default + "]"
	case !q.Required:
		hint = " (optional, Enter to skip)"
	}
	var values []string
	for {
		if q.Repeated {
			fmt.Fprintf(w, "%s%s (one per line, an empty line ends the list): ", q.Key, hint)
		} else {
			fmt.Fprintf(w, "%s%s: ", q.Key, hint)
		}
		v, err := a.line()
		if err == io.EOF {
			return "", errors.New("the install was cancelled; nothing was installed")
		}
		if err != nil {
			return "", err
		}
		v = strings.TrimSpace(v)
		if v != "" {
			values = append(values, v)
			if q.Repeated {
				continue
			}
		}
		if len(values) > 0 || !q.Required || q.Default != "" {
			return catalog.JoinRepeated(values...), nil
		}
		fmt.Fprintln(w, "This one is needed.")
	}
}

// describe prints a blank line and the question's plain description; the prompt that
// follows names the setting.
func (a *asker) describe(q catalog.Question) {
	fmt.Fprintln(a.e.stderr)
	if d := strings.TrimSpace(q.Description); d != "" {
		fmt.Fprintln(a.e.stderr, d)
	}
}

// allowHazards shows every hazard with its reason, then asks about each one by one, "no"
// unless the person types yes; keys given with --allow are not asked. In a script, a hazard
// not given with --allow stops the install, naming the flag to add. ok is false when the
// person said no to one.
func (a *asker) allowHazards(id string, hs []installer.HazardView, given []string) (allow []string, ok bool, err error) {
	if len(hs) == 0 {
		return nil, true, nil
	}
	w := a.e.stdout
	fmt.Fprintln(w, "Before it is installed, agree to what it asks for:")
	for _, h := range hs {
		fmt.Fprintf(w, "  ! %s\n", installer.HazardSentence(h))
	}
	for _, h := range hs {
		if slices.Contains(given, h.Key) {
			allow = append(allow, h.Key)
			continue
		}
		if !a.terminal {
			return nil, false, usageError{fmt.Errorf("%s needs your consent for %s; if you trust it, add --allow %s", id, display.Line(h.Item), h.Key)}
		}
		yes, err := a.confirmNo(fmt.Sprintf("Allow %s? [y/N] ", display.Line(h.Item)))
		if err != nil || !yes {
			return nil, false, err
		}
		allow = append(allow, h.Key)
	}
	return allow, true, nil
}

// confirmNo asks a yes/no question whose answer is no unless the person types y or yes.
func (a *asker) confirmNo(question string) (bool, error) {
	fmt.Fprint(a.e.stderr, question)
	v, err := a.line()
	if err != nil && err != io.EOF {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

func (a *asker) confirm(question string) (bool, error) {
	fmt.Fprint(a.e.stderr, question)
	v, err := a.line()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "y", "yes":
		return true, nil
	}
	return false, nil
}
