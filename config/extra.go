package config

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// Unknown fields are kept in each struct's extra map and written back on save, so a newer
// MCP Tray, a person or another tool can add fields without this version dropping them.
// The helpers below do the bookkeeping for every struct with an extra map.

// splitKnown decodes data into known (a pointer to a plain struct type without methods) and
// returns the members whose names known does not declare.
func splitKnown(data []byte, known any) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(known); err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for _, name := range jsonNames(reflect.TypeOf(known).Elem()) {
		delete(all, name)
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all, nil
}

// joinKnown encodes known and merges extra members into the object; known fields win.
func joinKnown(known any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(known)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	for k, v := range extra {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	return json.Marshal(all)
}

func jsonNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			names = append(names, jsonNames(f.Type)...) // its members are the outer object's
			continue
		}
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

type plainConfig Config

func (c *Config) UnmarshalJSON(b []byte) (err error) {
	var p plainConfig
	p.extra, err = splitKnown(b, &p)
	*c = Config(p)
	c.extra = p.extra
	return err
}

// MarshalJSON writes the known fields and any unknown ones read earlier.
func (c Config) MarshalJSON() ([]byte, error) { return joinKnown(plainConfig(c), c.extra) }

type plainServer Server

// UnmarshalJSON keeps unknown fields for the next save.
func (s *Server) UnmarshalJSON(b []byte) (err error) {
	var p plainServer
	extra, err := splitKnown(b, &p)
	*s = Server(p)
	s.extra = extra
	return err
}

// MarshalJSON writes the known fields and any unknown ones read earlier.
func (s Server) MarshalJSON() ([]byte, error) { return joinKnown(plainServer(s), s.extra) }

type plainPolicy Policy

// UnmarshalJSON keeps unknown fields for the next save.
func (p *Policy) UnmarshalJSON(b []byte) (err error) {
	var q plainPolicy
	extra, err := splitKnown(b, &q)
	*p = Policy(q)
	p.extra = extra
	return err
}

// MarshalJSON writes the known fields and any unknown ones read earlier.
func (p Policy) MarshalJSON() ([]byte, error) { return joinKnown(plainPolicy(p), p.extra) }

type plainSource Source

// UnmarshalJSON keeps unknown fields for the next save.
func (s *Source) UnmarshalJSON(b []byte) (err error) {
	var q plainSource
	extra, err := splitKnown(b, &q)
	*s = Source(q)
	s.extra = extra
	return err
}

// MarshalJSON writes the known fields and any unknown ones read earlier.
func (s Source) MarshalJSON() ([]byte, error) { return joinKnown(plainSource(s), s.extra) }

type plainKube Kube

// UnmarshalJSON keeps unknown fields for the next save.
func (k *Kube) UnmarshalJSON(b []byte) (err error) {
	var q plainKube
	extra, err := splitKnown(b, &q)
	*k = Kube(q)
	k.extra = extra
	return err
}

// MarshalJSON writes the known fields and any unknown ones read earlier.
func (k Kube) MarshalJSON() ([]byte, error) { return joinKnown(plainKube(k), k.extra) }

type plainBinding ClientBinding

// UnmarshalJSON keeps unknown fields for the next save.
func (c *ClientBinding) UnmarshalJSON(b []byte) (err error) {
	var q plainBinding
	extra, err := splitKnown(b, &q)
	*c = ClientBinding(q)
	c.extra = extra
	return err
}

// MarshalJSON writes the known fields and any unknown ones read earlier.
func (c ClientBinding) MarshalJSON() ([]byte, error) { return joinKnown(plainBinding(c), c.extra) }

type plainSettings Settings

// UnmarshalJSON keeps unknown fields for the next save.
func (s *Settings) UnmarshalJSON(b []byte) (err error) {
	var q plainSettings
	extra, err := splitKnown(b, &q)
	*s = Settings(q)
	s.extra = extra
	return err
}

// MarshalJSON writes the known fields and any unknown ones read earlier.
func (s Settings) MarshalJSON() ([]byte, error) { return joinKnown(plainSettings(s), s.extra) }
