package bundle

import (
	"errors"
	"fmt"
)

// ErrRefused is wrapped by every error that refuses a bundle for what it contains (rather
// than for a file that could not be read). The error's text is one plain sentence.
var ErrRefused = errors.New("the bundle was refused")

// refusal is a refused bundle; its text is the sentence to show.
type refusal struct{ msg string }

func (r refusal) Error() string        { return r.msg }
func (r refusal) Is(target error) bool { return target == ErrRefused }

func refuse(format string, args ...any) error { return refusal{fmt.Sprintf(format, args...)} }
