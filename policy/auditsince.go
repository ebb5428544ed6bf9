package policy

import (
	"fmt"
	"strings"
	"time"
)

// ParseAuditSince reads where an audit export starts (EachAuditLine's since): "" for the
// whole log, a length of time back from now ("24h"), a date in local time ("2026-12-01") or
// an RFC 3339 moment. The error is one sentence saying what to write instead.
func ParseAuditSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: write 24h (the last day), a date such as 2026-12-01, or 2026-12-01T09:00:00Z", s)
}
