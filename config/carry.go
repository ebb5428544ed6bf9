package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// Carry applies to accepted the change that turned before into after, and returns the result:
// the configuration the person accepts when MCP Tray itself writes config.json (a command,
// the window). Only what the writer changed is carried over, member by member, so a change
// that some other program made to config.json and that still waits for the person (see
// Review) is not accepted along with it. A change to something accepted does not have (a
// setting of a server that is itself still waiting) is left out: it keeps waiting.
func Carry(before, after, accepted *Config) (*Config, error) {
	b, err := tree(before)
	if err != nil {
		return nil, err
	}
	a, err := tree(after)
	if err != nil {
		return nil, err
	}
	acc, err := tree(accepted)
	if err != nil {
		return nil, err
	}
	merged := carry(b, a, acc)
	data, err := json.Marshal(merged)
	if err != nil {
		return nil, fmt.Errorf("encoding the accepted config: %w", err)
	}
	var out Config
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("decoding the accepted config: %w", err)
	}
	if out.Servers == nil {
		out.Servers = map[string]*Server{}
	}
	dropMissingServers(&out)
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("the accepted config would not be valid: %w", err)
	}
	return &out, nil
}

// tree decodes c into plain JSON values (objects as maps, numbers kept exact).
func tree(c *Config) (any, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encoding config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decoding config: %w", err)
	}
	return v, nil
}

// carry is a three-way merge of JSON values: where before and after differ, target takes
// after's value; objects are merged member by member. A member that before and after both
// have as objects but target lacks is left out (its change waits with it).
func carry(before, after, target any) any {
	if reflect.DeepEqual(before, after) {
		return target
	}
	bo, bok := before.(map[string]any)
	ao, aok := after.(map[string]any)
	if !bok || !aok {
		return after
	}
	to, tok := target.(map[string]any)
	if !tok {
		return target // changed inside something accepted does not have
	}
	out := make(map[string]any, len(to))
	for k, v := range to {
		out[k] = v
	}
	for k, av := range ao {
		bv, had := bo[k]
		switch {
		case !had:
			out[k] = av
		case reflect.DeepEqual(bv, av):
		default:
			tv, has := to[k]
			_, bObj := bv.(map[string]any)
			_, aObj := av.(map[string]any)
			if !has && bObj && aObj {
				continue
			}
			out[k] = carry(bv, av, tv)
		}
	}
	for k := range bo {
		if _, still := ao[k]; !still {
			delete(out, k)
		}
	}
	return out
}
