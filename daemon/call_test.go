package daemon

import (
	"context"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
)

// callInto runs method m through api.Call and stores its result in res (nil when the test
// does not need it), for tests that keep a result in a variable of their own.
func callInto[P, R any](ctx context.Context, c *control.Client, m api.Method[P, R], p P, res *R) error {
	r, err := api.Call(ctx, c, m, p)
	if err == nil && res != nil {
		*res = r
	}
	return err
}
