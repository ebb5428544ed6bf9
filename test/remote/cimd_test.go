package remote

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestSignInWithClientMetadataDocument: a team hosts MCP Tray's client ID metadata document
// (assets/oauth-client.json, its client_id being where it is hosted) and names it in
// settings.clientMetadataURL. At a sign-in service that takes such documents, `mcptray
// server login` uses that address as its client id — the service fetches the document over
// TLS and checks it, including the loopback redirect MCP Tray really listens on — and
// registers nothing; config.json records the address as the client id, and the AI app
// lists the server's tools.
func TestSignInWithClientMetadataDocument(t *testing.T) {
	docURL, docs := hostedClientDocument(t)
	s := newSignInServer(t)
	s.docs = docs
	u := testbin.NewUser(t)
	if err := os.MkdirAll(u.Home, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`{"servers": {}, "settings": {"clientMetadataURL": %q}}`, docURL)
	if err := os.WriteFile(filepath.Join(u.Home, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	u.Env = append(u.Env, "BROWSER="+browser(t))
	u.OK("server", "add", "own", "--url", s.URL+"/mcp", "--transport", "http")
	u.OK("server", "login", "own")
	s.mu.Lock()
	ids, registered := slices.Clone(s.clientIDs), s.registered
	s.mu.Unlock()
	if !slices.Equal(ids, []string{docURL}) || registered != 0 {
		t.Fatalf("client ids at the sign-in service %q, %d registrations; want only %s", ids, registered, docURL)
	}
	var saved struct {
		Servers map[string]struct {
			OAuth struct{ ClientID string } `json:"oauth"`
		} `json:"servers"`
	}
	raw, _ := os.ReadFile(filepath.Join(u.Home, "config.json"))
	if json.Unmarshal(raw, &saved) != nil || saved.Servers["own"].OAuth.ClientID != docURL {
		t.Fatalf("config.json's sign-in: %s", raw)
	}
	u.Daemon()
	if names := toolNames(t, bridge(t, u, "own")); !slices.Equal(names, []string{"hello"}) {
		t.Fatalf("tools: %v", names)
	}
}

// hostedClientDocument serves assets/oauth-client.json over TLS as a team hosting its own
// copy would (client_id: where it is served) and returns its address and a client that
// trusts the server.
func hostedClientDocument(t *testing.T) (string, *http.Client) {
	t.Helper()
	raw, err := os.ReadFile("../../assets/oauth-client.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("assets/oauth-client.json: %v", err)
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		own := maps.Clone(doc)
		own["client_id"] = "https://" + r.Host + r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(own)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/oauth/client.json", srv.Client()
}

// checkClientDocument is a sign-in service's check of a client ID metadata document
// (draft-ietf-oauth-client-id-metadata-document): fetched from the client id, it names that
// address itself, holds no shared secret, and lists the redirect address (any port for a
// loopback one, RFC 8252 §7.3). It returns why not, "" when the document allows redirect.
func checkClientDocument(c *http.Client, id, redirect string) string {
	resp, err := c.Get(id)
	if err != nil {
		return "the document could not be fetched"
	}
	defer resp.Body.Close()
	var doc struct {
		ClientID     string   `json:"client_id"`
		Secret       *string  `json:"client_secret"`
		AuthMethod   string   `json:"token_endpoint_auth_method"`
		RedirectURIs []string `json:"redirect_uris"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&doc) != nil {
		return "the document is not JSON"
	}
	if doc.ClientID != id || doc.Secret != nil || doc.AuthMethod != "none" {
		return "the document does not describe a public client at its own address"
	}
	got, err := url.Parse(redirect)
	if err != nil {
		return "the redirect address is not an address"
	}
	for _, r := range doc.RedirectURIs {
		want, err := url.Parse(r)
		if err == nil && (r == redirect || want.Scheme == "http" && got.Scheme == "http" &&
			want.Hostname() == "127.0.0.1" && got.Hostname() == "127.0.0.1" && want.Path == got.Path && got.RawQuery == "") {
			return ""
		}
	}
	return "the redirect address is not in the document"
}
