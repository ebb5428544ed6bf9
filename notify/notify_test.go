package notify

import (
	"testing"
	"time"
)

func TestExpireMillis(t *testing.T) {
	for _, tt := range []struct {
		n    Notification
		want int32
	}{
		{Notification{Kind: Info}, int32(DefaultExpire / time.Millisecond)},
		{Notification{Kind: Approval}, 0},
		{Notification{Kind: Approval, Expire: 3 * time.Second}, 3000},
		{Notification{Kind: Info, Expire: Never}, 0},
		{Notification{Kind: Info, Expire: time.Microsecond}, 1},
		{Notification{Kind: Info, Expire: 1000 * time.Hour}, 1<<31 - 1},
	} {
		if got := expireMillis(tt.n); got != tt.want {
			t.Errorf("expireMillis(%+v) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestPlainTextWithoutMarkup(t *testing.T) {
	title, body := plainText("a\x1b[31m<b>&", "line\n<i>x</i>\r", false)
	if title != `a\x1b[31m<b>&` || body != "line\n<i>x</i>\\r" {
		t.Errorf("plainText for a service that shows text as it is = %q, %q", title, body)
	}
}
