package remote

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"https://mcp.example.com/mcp", true},
		{"http://127.0.0.1:3000/mcp", true},
		{"http://localhost:3000/mcp", true},
		{"http://[::1]:3000/mcp", true},
		{"http://example.com/mcp", false},
		{"http://vm:3000/mcp", false}, // a name that resolves to 127.0.0.1 is not this computer by name
		{"http://10.0.0.5/mcp", false},
		{"https://user:pw@example.com/mcp", false},
		{"ftp://example.com/", false},
		{"example.com/mcp", false},
		{"https://example.com/mcp#x", false},
	} {
		_, err := CheckURL(c.url)
		if (err == nil) != c.ok {
			t.Errorf("CheckURL(%q) = %v, want ok=%v", c.url, err, c.ok)
		}
		if err != nil && !errors.Is(err, ErrUnsafeURL) {
			t.Errorf("CheckURL(%q): %v does not wrap ErrUnsafeURL", c.url, err)
		}
	}
}

func TestReachAllows(t *testing.T) {
	public, local := reach{}, reach{loopback: true}
	private := reach{private: true}
	for _, c := range []struct {
		r    reach
		addr string
		ok   bool
	}{
		{public, "93.184.216.34", true},
		{public, "127.0.0.1", false},
		{public, "::1", false},
		{public, "::ffff:127.0.0.1", false},
		{public, "169.254.169.254", false},
		{public, "10.1.2.3", false},
		{public, "192.168.1.1", false},
		{public, "100.64.0.1", false},
		{public, "fd00::1", false},
		{public, "0.0.0.0", false},
		{local, "127.0.0.1", true},
		{local, "169.254.169.254", false},
		{local, "10.1.2.3", false},
		{private, "10.1.2.3", true},
		{private, "127.0.0.1", false},
		{private, "169.254.169.254", false},
	} {
		if got := c.r.allows(netip.MustParseAddr(c.addr)); got != c.ok {
			t.Errorf("%+v allows %s = %v, want %v", c.r, c.addr, got, c.ok)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	base, _ := url.Parse("https://mcp.example.com/mcp")
	for raw, want := range map[string]bool{
		"https://mcp.example.com/other":      true,
		"https://MCP.example.com:443/mcp/":   true,
		"http://mcp.example.com/mcp":         false,
		"https://mcp.example.com:8443/mcp":   false,
		"https://evil.example.com/mcp":       false,
		"https://mcp.example.com.evil.test/": false,
	} {
		u, _ := url.Parse(raw)
		if got := SameOrigin(base, u); got != want {
			t.Errorf("SameOrigin(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestAuthParams(t *testing.T) {
	got := authParams(`Bearer error="invalid_token", resource_metadata="https://a.example/.well-known/oauth-protected-resource/mcp", scope="mcp:tools files:read"`)
	if got["resource_metadata"] != "https://a.example/.well-known/oauth-protected-resource/mcp" || got["scope"] != "mcp:tools files:read" || got["error"] != "invalid_token" {
		t.Fatalf("authParams: %v", got)
	}
	if got := authParams(`Basic realm="x"`); len(got) != 0 {
		t.Fatalf("a Basic challenge gave %v", got)
	}
}

// TestCheckURLShowsNoCredential: an address that is refused is named without its user name,
// password or query, any of which may be a credential; the sentence reaches the daemon's log
// when config.json holds the address (red team: `"url": "htps://alice:PASSWORD@…"` was
// logged whole).
func TestCheckURLShowsNoCredential(t *testing.T) {
	for _, raw := range []string{
		"ftp://alice:hunter2pw@example.com/mcp?api_key=sk_live_42",
		"htps://alice:hunter2pw@example.com/mcp",
		"https://alice:hunter2pw%zz@example.com/mcp",
		"alice:hunter2pw@example.com/mcp",
		"//alice:hunter2pw@/mcp?api_key=sk_live_42",
		"example.com/mcp?api_key=sk_live_42",
		"mailto:hunter2pw@example.com",
	} {
		_, err := CheckURL(raw)
		if err == nil {
			t.Fatalf("CheckURL(%q) took it", raw)
		}
		if msg := err.Error(); strings.Contains(msg, "hunter2pw") || strings.Contains(msg, "sk_live_42") {
			t.Errorf("CheckURL(%q) says %q", raw, msg)
		}
	}
	if _, err := CheckURL("ftp://files.example.com/mcp?x=1"); err == nil || !strings.Contains(err.Error(), `"ftp://files.example.com/mcp?…"`) {
		t.Errorf("the refused address is no longer named: %v", err)
	}
}

// TestReachRefusesTranslatedAddresses: a name of the server's may resolve (DNS64, a planted
// record) to an IPv6 address that a translator or tunnel turns into an IPv4 one on the local
// network or a gateway's loopback; and cloud metadata services outside the link-local range
// are never reached, even with the local network allowed (red team).
func TestReachRefusesTranslatedAddresses(t *testing.T) {
	public, local, private := reach{}, reach{loopback: true}, reach{private: true}
	for _, c := range []struct {
		r    reach
		addr string
		ok   bool
	}{
		{public, "64:ff9b::5db8:d822", true}, // 93.184.216.34 through NAT64
		{public, "64:ff9b::a9fe:a9fe", false},
		{public, "64:ff9b::7f00:1", false},
		{local, "64:ff9b::7f00:1", false}, // the translator's loopback, not this computer's
		{public, "64:ff9b::a00:5", false},
		{private, "64:ff9b::a00:5", true},
		{public, "64:ff9b:1::a00:5", false},
		{public, "::7f00:1", false},
		{public, "::a9fe:a9fe", false},
		{public, "2002:a9fe:a9fe::1", false},
		{public, "2002:c0a8:101::1", false},
		{public, "2002:5db8:d822::1", true},
		{public, "0.1.2.3", false},
		{public, "255.255.255.255", false},
		{private, "fd00:ec2::254", false},
		{private, "100.100.100.200", false},
		{private, "fd00:ec2::253", true},
	} {
		if got := c.r.allows(netip.MustParseAddr(c.addr)); got != c.ok {
			t.Errorf("%+v allows %s = %v, want %v", c.r, c.addr, got, c.ok)
		}
	}
}
