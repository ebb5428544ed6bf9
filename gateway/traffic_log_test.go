package gateway

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/redact"
)

// Every text field of a traffic record is redacted, whatever its name: a server chooses the
// method, id and more of the messages it sends, and `logs --traffic` shows them. Before, only
// the id was, so a secret in a method name was shown as it was.
func TestTrafficRecordsCarryNoSecret(t *testing.T) {
	const secret = "sk-trafficsecret-0123456789"
	log := NewTrafficLog(redact.New(map[string]string{"TOKEN": secret}).RedactString)
	var tr Traffic
	v := reflect.ValueOf(&tr).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String {
			f.SetString("x." + secret + ".y")
		}
	}
	log.Record(&Session{ID: "s1", Server: "gh", Client: "client " + secret}, tr)
	var recs []TrafficRecord
	if err := log.Stream(context.Background(), "gh", 0, false, func(r TrafficRecord) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	out, err := json.Marshal(recs[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), secret) {
		t.Errorf("a traffic record holds the secret: %s", out)
	}
	if !strings.Contains(string(out), "[redacted:TOKEN]") {
		t.Errorf("a traffic record lost its fields instead of having them redacted: %s", out)
	}
}

// The log keeps the last messages of each server, oldest first, and a tail gives the newest.
func TestTrafficLogKeepsTheLastMessages(t *testing.T) {
	log := NewTrafficLog(func(s string) string { return s })
	for i := range trafficRing + 5 {
		log.Record(&Session{ID: "s", Server: "a"}, Traffic{ID: string(rune('0' + i%10))})
	}
	log.Record(&Session{ID: "s", Server: "b"}, Traffic{ID: "b"})
	var ids []string
	log.Stream(context.Background(), "a", 3, false, func(r TrafficRecord) error { ids = append(ids, r.ID); return nil })
	if strings.Join(ids, "") != "234" {
		t.Errorf("the last three of a = %q, want 234", ids)
	}
	n := 0
	log.Stream(context.Background(), "a", 0, false, func(TrafficRecord) error { n++; return nil })
	if n != trafficRing {
		t.Errorf("a keeps %d messages, want %d", n, trafficRing)
	}
}
