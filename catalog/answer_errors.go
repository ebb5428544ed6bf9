package catalog

import "errors"

// IsAnswerError reports whether err, from Plan, is about the person's answers (a missing
// required one, one that does not fit, one no question asks for): theirs to fix, not a fault
// of the entry or of MCP Tray.
func IsAnswerError(err error) bool {
	return errors.Is(err, ErrMissingAnswer) || errors.Is(err, ErrBadAnswer) || errors.Is(err, ErrUnknownAnswer)
}
