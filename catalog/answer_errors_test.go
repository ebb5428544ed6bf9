package catalog

import (
	"errors"
	"fmt"
	"testing"
)

func TestIsAnswerError(t *testing.T) {
	for err, want := range map[error]bool{
		fmt.Errorf("planning the install of x: %w", ErrMissingAnswer): true,
		fmt.Errorf("dir: %w", ErrBadAnswer):                           true,
		ErrUnknownAnswer:                                              true,
		fmt.Errorf("x: %w", ErrSecretInArgs):                          false,
		ErrInvalidEntry:                                               false,
		errors.New("a required setting is missing"):                   false, // the text alone is not the sentinel
		nil: false,
	} {
		if got := IsAnswerError(err); got != want {
			t.Errorf("IsAnswerError(%v) = %v, want %v", err, got, want)
		}
	}
}
