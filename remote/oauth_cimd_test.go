package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// cimdService is an MCP server and its sign-in service that takes client ID metadata
// documents as the draft says a service must: at /authorize it fetches the document at the
// client id over TLS, checks that the document names itself, holds no secret, and lists the
// redirect address (any port for a loopback one, RFC 8252 §7.3); it refuses otherwise.
// Dynamic registration is there too, to see which one MCP Tray chose.
type cimdService struct {
	*httptest.Server
	docs   *http.Client // trusts the document server's certificate
	noCIMD bool         // the metadata does not say client_id_metadata_document_supported

	mu         sync.Mutex
	authorized []string // client ids at /authorize
	tokens     []string // client ids at /token
	registered int
	refusal    string // why /authorize refused, "" when it did not
}

func newCIMDService(t *testing.T, docs *http.Client) *cimdService {
	s := &cimdService{docs: docs}
	s.Server = authService(t, authOptions{
		challenge: true,
		metadata:  func(m map[string]any) { m["client_id_metadata_document_supported"] = !s.noCIMD },
		register: func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.registered++
			s.mu.Unlock()
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"client_id":"registered-1"}`)
		},
		authorize: func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			id := q.Get("client_id")
			s.mu.Lock()
			s.authorized = append(s.authorized, id)
			s.mu.Unlock()
			if strings.HasPrefix(id, "https://") {
				if why := s.checkDocument(id, q.Get("redirect_uri")); why != "" {
					s.mu.Lock()
					s.refusal = why
					s.mu.Unlock()
					http.Error(w, why, http.StatusBadRequest)
					return
				}
			}
			redirectBack("code-1", s.URL)(w, r)
		},
		token: func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			s.mu.Lock()
			s.tokens = append(s.tokens, r.Form.Get("client_id"))
			s.mu.Unlock()
			if _, _, basic := r.BasicAuth(); basic || r.Form.Get("client_secret") != "" || r.Form.Get("code_verifier") == "" {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"invalid_client"}`)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"access-cimd","token_type":"Bearer","expires_in":3600}`)
		},
	})
	return s
}

// checkDocument is the service's side of the draft: "" when the document at id allows
// redirect.
func (s *cimdService) checkDocument(id, redirect string) string {
	resp, err := s.docs.Get(id)
	if err != nil {
		return "fetching the document: " + err.Error()
	}
	defer resp.Body.Close()
	var doc struct {
		ClientID     string   `json:"client_id"`
		ClientSecret *string  `json:"client_secret"`
		AuthMethod   string   `json:"token_endpoint_auth_method"`
		RedirectURIs []string `json:"redirect_uris"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&doc) != nil {
		return "the document is not JSON"
	}
	switch {
	case doc.ClientID != id:
		return "the document names another client id: " + doc.ClientID
	case doc.ClientSecret != nil || strings.HasPrefix(doc.AuthMethod, "client_secret"):
		return "the document has a shared secret"
	}
	got, err := url.Parse(redirect)
	if err != nil {
		return "bad redirect"
	}
	for _, r := range doc.RedirectURIs {
		want, err := url.Parse(r)
		if err != nil {
			continue
		}
		if r == redirect || (want.Scheme == "http" && want.Hostname() == "127.0.0.1" && got.Scheme == "http" &&
			got.Hostname() == "127.0.0.1" && want.Path == got.Path && got.RawQuery == "") {
			return ""
		}
	}
	return "the redirect address is not in the document: " + redirect
}

// ourDocument serves assets/oauth-client.json as a team hosting its own copy would: the
// same document, its client_id being where it is served.
func ourDocument(t *testing.T) (docURL string, client *http.Client) {
	raw, err := os.ReadFile("../assets/oauth-client.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("assets/oauth-client.json: %v", err)
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/oauth/client.json":
			own := maps.Clone(doc)
			own["client_id"] = "https://" + r.Host + r.URL.Path
			json.NewEncoder(w).Encode(own)
		case "/oauth/copy.json": // a copy that still names where it was copied from
			w.Write(raw)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/oauth/client.json", srv.Client()
}

// follow is a browser that follows the authorization page's redirect at once; a page that
// refuses is an error (a person would give up), so the sign-in does not wait for the person.
func follow(authURL string) error {
	resp, err := http.Get(authURL)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the page answered %d", resp.StatusCode)
	}
	return nil
}

// TestSignInWithClientMetadataDocument: at a sign-in service that takes client ID metadata
// documents, MCP Tray's client id is the document's address, and the service accepts
// MCP Tray's own document (assets/oauth-client.json, hosted elsewhere) with the loopback
// redirect MCP Tray really uses; nothing is registered. A client id the person gives comes
// first; a service without the documents, or the setting "off", gets dynamic registration.
func TestSignInWithClientMetadataDocument(t *testing.T) {
	docURL, docs := ourDocument(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	signIn := func(s *cimdService, o SignInOptions) (*Login, error) {
		o.URL, o.Open = s.URL+"/mcp", follow
		return SignIn(ctx, o)
	}

	s := newCIMDService(t, docs)
	l, err := signIn(s, SignInOptions{ClientMetadataURL: docURL})
	if err != nil {
		t.Fatalf("sign-in with the metadata document: %v (the service said: %s)", err, s.refusal)
	}
	if l.ClientID != docURL || l.ClientSecret != "" || l.AccessToken != "access-cimd" {
		t.Fatalf("login: client id %q, secret %v, token %q", l.ClientID, l.ClientSecret != "", l.AccessToken)
	}
	if !slices.Equal(s.authorized, []string{docURL}) || !slices.Equal(s.tokens, []string{docURL}) || s.registered != 0 {
		t.Fatalf("client ids at /authorize %q and /token %q, %d registrations", s.authorized, s.tokens, s.registered)
	}

	s = newCIMDService(t, docs)
	if l, err := signIn(s, SignInOptions{ClientMetadataURL: docURL, ClientID: "mine"}); err != nil || l.ClientID != "mine" || s.authorized[0] != "mine" {
		t.Fatalf("the person's client id: %+v, %v, %q", l, err, s.authorized)
	}

	for name, o := range map[string]struct {
		noCIMD  bool
		setting string
	}{"service without documents": {true, docURL}, "setting off": {false, ClientMetadataOff}} {
		s = newCIMDService(t, docs)
		s.noCIMD = o.noCIMD
		if l, err := signIn(s, SignInOptions{ClientMetadataURL: o.setting}); err != nil || l.ClientID != "registered-1" || s.registered != 1 {
			t.Fatalf("%s: %+v, %v, %d registrations", name, l, err, s.registered)
		}
	}

	// The service checks the document: one that names another client id is refused there.
	s = newCIMDService(t, docs)
	if _, err := signIn(s, SignInOptions{ClientMetadataURL: strings.Replace(docURL, "client.json", "copy.json", 1)}); err == nil ||
		!strings.Contains(s.refusal, "another client id") {
		t.Fatalf("a document that does not name its own address: %v, %q", err, s.refusal)
	}
}

// TestOurClientMetadataDocument: the published document is what the draft asks of one and
// fits how MCP Tray signs in: its own address as client_id, a public client (no secret),
// the loopback redirect without a port (the service allows any port, RFC 8252 §7.3) on the
// path SignIn listens on.
func TestOurClientMetadataDocument(t *testing.T) {
	raw, err := os.ReadFile("../assets/oauth-client.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["client_id"] != DefaultClientMetadataURL || CheckClientMetadataURL(DefaultClientMetadataURL) != nil {
		t.Errorf("client_id %v, want %s", doc["client_id"], DefaultClientMetadataURL)
	}
	for _, k := range []string{"client_secret", "client_secret_expires_at"} {
		if _, ok := doc[k]; ok {
			t.Errorf("the document has %s", k)
		}
	}
	if doc["token_endpoint_auth_method"] != "none" {
		t.Errorf("token_endpoint_auth_method %v, want none", doc["token_endpoint_auth_method"])
	}
	if r, _ := doc["redirect_uris"].([]any); len(r) != 1 || r[0] != "http://127.0.0.1/callback" {
		t.Errorf("redirect_uris %v", doc["redirect_uris"])
	}
}

func TestCheckClientMetadataURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://mcptray.app/oauth/client.json":  true,
		"https://team.example:8443/mcptray.json": true,
		"http://mcptray.app/oauth/client.json":   false,
		"https://mcptray.app":                    false,
		"https://mcptray.app/":                   false,
		"https://mcptray.app/a/../client.json":   false,
		"https://mcptray.app/a/./client.json":    false,
		"https://mcptray.app/a/%2e%2e/c.json":    false,
		"https://mcptray.app/client.json#x":      false,
		"https://mcptray.app/client.json?v=1":    false,
		"https://me:pw@mcptray.app/client.json":  false,
		"mcptray.app/client.json":                false,
	} {
		if err := CheckClientMetadataURL(raw); (err == nil) != ok {
			t.Errorf("CheckClientMetadataURL(%q) = %v", raw, err)
		}
	}
}
