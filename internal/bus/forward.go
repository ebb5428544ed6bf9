package bus

import (
	"context"
	"errors"
)

// Forward sends what a follower is owed: first each of recent, then each value from ch for
// which keep is true (nil keeps all), until ctx ends (its error), send fails (that error), or
// ch is closed because the follower fell behind (Subscribe drops a slow subscriber): then an
// error with the sentence behind. ch nil sends recent only and returns nil.
func Forward[T any](ctx context.Context, recent []T, ch <-chan T, keep func(T) bool, send func(T) error, behind string) error {
	for _, v := range recent {
		if err := send(v); err != nil {
			return err
		}
	}
	if ch == nil {
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case v, ok := <-ch:
			if !ok {
				return errors.New(behind)
			}
			if keep != nil && !keep(v) {
				continue
			}
			if err := send(v); err != nil {
				return err
			}
		}
	}
}
