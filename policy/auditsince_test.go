package policy

import (
	"testing"
	"time"
)

func TestParseAuditSince(t *testing.T) {
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"":                     {},
		"24h":                  now.Add(-24 * time.Hour),
		"2026-12-01":           time.Date(2026, 12, 1, 0, 0, 0, 0, time.Local),
		"2026-12-01T09:00:00Z": time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	} {
		got, err := ParseAuditSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseAuditSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"yesterday", "-1h", "2026-13-01"} {
		if _, err := ParseAuditSince(in, now); err == nil {
			t.Errorf("ParseAuditSince(%q) took it", in)
		}
	}
}
