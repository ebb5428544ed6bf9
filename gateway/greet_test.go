package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// scriptedAsker answers Greet's requests from a table and records what was asked and told.
type scriptedAsker struct {
	answers map[string]func() (json.RawMessage, json.RawMessage, error)
	asked   []string
	params  map[string]string
	told    []string
}

func (s *scriptedAsker) ask(_ context.Context, method string, params any, _ time.Duration) (json.RawMessage, json.RawMessage, error) {
	s.asked = append(s.asked, method)
	b, _ := json.Marshal(params)
	if s.params == nil {
		s.params = map[string]string{}
	}
	s.params[method] = string(b)
	return s.answers[method]()
}

func (s *scriptedAsker) tell(msg []byte) { s.told = append(s.told, string(msg)) }

func answerWith(result string) func() (json.RawMessage, json.RawMessage, error) {
	return func() (json.RawMessage, json.RawMessage, error) { return json.RawMessage(result), nil, nil }
}

func refuseWith(errObj string) func() (json.RawMessage, json.RawMessage, error) {
	return func() (json.RawMessage, json.RawMessage, error) { return nil, json.RawMessage(errObj), nil }
}

func TestGreet(t *testing.T) {
	const initialized = `{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n"
	ignored := func() (json.RawMessage, json.RawMessage, error) {
		return nil, nil, &noAnswerError{"server/discover", time.Second}
	}
	for _, tc := range []struct {
		name     string
		o        GreetOptions
		answers  map[string]func() (json.RawMessage, json.RawMessage, error)
		asked    []string
		want     Greeting
		told     int
		refused  bool
		otherErr error
	}{
		{name: "a legacy server, for a client behind the relay", o: GreetOptions{},
			answers: map[string]func() (json.RawMessage, json.RawMessage, error){"initialize": answerWith(`{"protocolVersion":"2025-11-25"}`)},
			asked:   []string{"initialize"}, want: Greeting{Init: json.RawMessage(`{"protocolVersion":"2025-11-25"}`)}, told: 1},
		{name: "a legacy server that refuses server/discover", o: GreetOptions{Discover: true},
			answers: map[string]func() (json.RawMessage, json.RawMessage, error){"server/discover": refuseWith(`{"code":-32601}`), "initialize": answerWith(`{}`)},
			asked:   []string{"server/discover", "initialize"}, want: Greeting{Init: json.RawMessage(`{}`), DiscoverErr: json.RawMessage(`{"code":-32601}`)}, told: 1},
		{name: "a legacy server that ignores server/discover", o: GreetOptions{Discover: true},
			answers: map[string]func() (json.RawMessage, json.RawMessage, error){"server/discover": ignored, "initialize": answerWith(`{}`)},
			asked:   []string{"server/discover", "initialize"}, want: Greeting{Init: json.RawMessage(`{}`), DiscoverErr: json.RawMessage(`{"code":-32601,"message":"Method not found"}`)}, told: 1},
		{name: "a modern-only server", o: GreetOptions{Discover: true},
			answers: map[string]func() (json.RawMessage, json.RawMessage, error){"server/discover": answerWith(`{"supportedVersions":["2026-07-28"]}`), "initialize": refuseWith(`{"code":-32601}`)},
			asked:   []string{"server/discover", "initialize"}, want: Greeting{Discover: json.RawMessage(`{"supportedVersions":["2026-07-28"]}`)}},
		{name: "a server that refuses both", o: GreetOptions{Discover: true},
			answers: map[string]func() (json.RawMessage, json.RawMessage, error){"server/discover": refuseWith(`{"code":-32601}`), "initialize": refuseWith(`{"code":-1,"message":"no"}`)},
			asked:   []string{"server/discover", "initialize"}, want: Greeting{DiscoverErr: json.RawMessage(`{"code":-32601}`)}, refused: true},
		{name: "a server that stops", o: GreetOptions{Discover: true},
			answers: map[string]func() (json.RawMessage, json.RawMessage, error){"server/discover": func() (json.RawMessage, json.RawMessage, error) { return nil, nil, ErrServerGone }},
			asked:   []string{"server/discover"}, otherErr: ErrServerGone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scriptedAsker{answers: tc.answers}
			g, err := Greet(context.Background(), s.ask, s.tell, tc.o)
			switch {
			case tc.refused && !errors.Is(err, ErrHandshakeRefused):
				t.Errorf("Greet returned %v, want ErrHandshakeRefused", err)
			case tc.otherErr != nil && !errors.Is(err, tc.otherErr):
				t.Errorf("Greet returned %v, want %v", err, tc.otherErr)
			case !tc.refused && tc.otherErr == nil && err != nil:
				t.Errorf("Greet returned %v", err)
			}
			if diff := cmp.Diff(tc.asked, s.asked); diff != "" {
				t.Errorf("asked (-want +got):\n%s", diff)
			}
			if tc.otherErr == nil {
				if diff := cmp.Diff(tc.want, g); diff != "" {
					t.Errorf("Greeting (-want +got):\n%s", diff)
				}
			}
			if len(s.told) != tc.told || tc.told == 1 && s.told[0] != initialized {
				t.Errorf("told %q", s.told)
			}
			if p, ok := s.params["initialize"]; ok {
				want := `{"capabilities":` + string(hubCapabilities) + `,"clientInfo":{"name":"MCP Tray","version":"dev"},"protocolVersion":"` + handshakeVersion + `"}`
				if p != want {
					t.Errorf("initialize params %s, want %s", p, want)
				}
			}
		})
	}
}
