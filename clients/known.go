package clients

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrUnknownClient is wrapped by the error of Known and KnownIDs for an id MCP Tray does not
// know.
var ErrUnknownClient = errors.New("not an AI app MCP Tray knows")

// unknownClient is the sentence for an id MCP Tray does not know: it names the ids it does.
type unknownClient struct{ id string }

func (e unknownClient) Error() string {
	ids := make([]string, len(registry))
	for i, c := range registry {
		ids[i] = c.id
	}
	return fmt.Sprintf("%q is not an AI app MCP Tray knows; use one of: %s", e.id, strings.Join(ids, ", "))
}

func (e unknownClient) Unwrap() error { return ErrUnknownClient }

// Known returns the AI app with the id, or an error (ErrUnknownClient) whose sentence names the
// ids MCP Tray knows.
func Known(id string) (Client, error) {
	if c, ok := ByID(id); ok {
		return c, nil
	}
	return nil, unknownClient{id}
}

// KnownIDs checks ids a person gave (a command line's or a request's) and returns them in their
// order without repeats, or the error of Known for the first id MCP Tray does not know.
func KnownIDs(ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if _, err := Known(id); err != nil {
			return nil, err
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}
