package clients

import "testing"

// TestQuickVerifyCatchesDamage feeds the strict-JSON check outputs that a buggy editor could
// produce; each must be caught.
func TestQuickVerifyCatchesDamage(t *testing.T) {
	src := []byte(`{"a": {"b": [1, 2]}, "mcpServers": {"x": {"command": "npx"}}, "z": true}`)
	doc, err := jsonFormat{strict: true, shape: mcpServersShape}.parse(src)
	if err != nil {
		t.Fatal(err)
	}
	q := doc.(*jsonDoc)
	ours := `{"command": "/opt/mcptray", "args": ["connect", "y"]}`
	tests := []struct {
		out string
		ok  bool
	}{
		{`{"a": {"b": [1, 2]}, "mcpServers": {"x": {"command": "npx"}, "y": ` + ours + `}, "z": true}`, true},
		{`{"a": {"b": [1, 2]}, "mcpServers": {"x": {"command": "npx"}}, "z": true}`, true},
		{`{"a": {"b": [1, 3]}, "mcpServers": {"x": {"command": "npx"}}, "z": true}`, false},
		{`{"a": {"b": [1, 2]}, "mcpServers": {"x": {"command": "uvx"}}, "z": true}`, false},
		{`{"a": {"b": [1, 2]}, "mcpServers": {}, "z": true}`, false},
		{`{"a": {"b": [1, 2]}, "mcpServers": {"x": {"command": "npx"}}}`, false},
		{`{"a": {"b": [1, 2]}, "mcpServers": {"x": {"command": "npx"}}, "z": true, "n": 1}`, false},
		{`{"a": {"b": [1, 2]}, "mcpServers": {"x": {"command": "npx"},}, "z": true}`, false},
	}
	for _, tt := range tests {
		done, err := q.quickVerify(content{[]byte(tt.out)}, "")
		if !done || (err == nil) != tt.ok {
			t.Errorf("quickVerify(%s) = %v, %v; want ok=%v", tt.out, done, err, tt.ok)
		}
	}
}

func TestStrictRejectsWhatHujsonAccepts(t *testing.T) {
	// A control character inside a string is not JSON; whatever hujson makes of it, the
	// strict clients would not read it.
	src := []byte("{\"mcpServers\": {\"a\": {\"command\": \"n\tpx\"}}}")
	if _, err := (jsonFormat{strict: true, shape: mcpServersShape}).parse(src); err == nil {
		t.Fatal("a strict file with a raw tab in a string parsed")
	}
}
