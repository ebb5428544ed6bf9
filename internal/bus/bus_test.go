package bus

import "testing"

func TestSlowSubscriberIsDroppedNotBlocking(t *testing.T) {
	var b Bus[int]
	fast, cancelFast := b.Subscribe(100)
	defer cancelFast()
	slow, cancelSlow := b.Subscribe(2)
	defer cancelSlow()
	for i := range 10 {
		b.Publish(i)
	}
	n := 0
	for range slow {
		n++
	}
	if n != 2 {
		t.Fatalf("slow subscriber got %d values before being dropped, want its buffer of 2", n)
	}
	if len(fast) != 10 {
		t.Fatalf("fast subscriber has %d values, want 10", len(fast))
	}
	if b.Len() != 1 {
		t.Fatalf("bus has %d subscribers, want 1 after dropping the slow one", b.Len())
	}
	cancelSlow() // idempotent after the drop
}

func TestCancelClosesAndUnsubscribes(t *testing.T) {
	var b Bus[string]
	ch, cancel := b.Subscribe(0)
	cancel()
	cancel()
	if _, ok := <-ch; ok {
		t.Fatal("channel still open after cancel")
	}
	b.Publish("x")
	if b.Len() != 0 {
		t.Fatal("cancelled subscriber still counted")
	}
}
