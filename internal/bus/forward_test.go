package bus

import (
	"context"
	"errors"
	"testing"
)

// Forward sends the recent values, then the kept ones of the channel, and says when the
// follower fell behind or the caller went away.
func TestForward(t *testing.T) {
	var b Bus[int]
	ch, cancel := b.Subscribe(8)
	var got []int
	send := func(v int) error { got = append(got, v); return nil }
	b.Publish(3)
	b.Publish(4)
	b.Publish(5)
	cancel() // closes ch once its values are read: as when a slow follower is dropped
	err := Forward(context.Background(), []int{1, 2}, ch, func(v int) bool { return v != 4 }, send, "fell behind")
	if err == nil || err.Error() != "fell behind" {
		t.Errorf("err = %v, want the sentence for a follower that fell behind", err)
	}
	if len(got) != 4 || got[0] != 1 || got[1] != 2 || got[2] != 3 || got[3] != 5 {
		t.Errorf("sent %v, want [1 2 3 5]", got)
	}
	if err := Forward(context.Background(), []int{1}, nil, nil, send, "x"); err != nil {
		t.Errorf("recent only: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	stop()
	ch2, cancel2 := b.Subscribe(1)
	defer cancel2()
	if err := Forward(ctx, nil, ch2, nil, send, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("ended context: %v", err)
	}
	boom := errors.New("boom")
	if err := Forward(context.Background(), []int{1}, nil, nil, func(int) error { return boom }, "x"); err != boom {
		t.Errorf("a failing send: %v", err)
	}
}
