package remote

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document, which the MCP
// authorization specification prefers to dynamic registration since its 2025-11-25
// revision): MCP Tray's client id at a sign-in service that says
// client_id_metadata_document_supported is the https address of a JSON document describing
// MCP Tray (assets/oauth-client.json). The sign-in service fetches and checks that document;
// MCP Tray only checks that the address is one the draft allows, and sends it as client_id.

// DefaultClientMetadataURL is where MCP Tray's own client ID metadata document is published.
const DefaultClientMetadataURL = "https://raw.githubusercontent.com/mcptray/mcptray/main/assets/oauth-client.json"

// ClientMetadataOff, as SignInOptions.ClientMetadataURL, turns client ID metadata documents
// off: MCP Tray registers itself dynamically instead.
const ClientMetadataOff = "off"

// CheckClientMetadataURL reports whether raw may be a client id that is a metadata
// document's address, as the draft says: https, with a path, without "." or ".." segments,
// a fragment, a user name or password; MCP Tray also refuses a query (the draft advises
// against one). The error is one sentence.
func CheckClientMetadataURL(raw string) error {
	u, err := url.Parse(raw)
	bad := err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" ||
		strings.HasSuffix(raw, "#") || u.RawQuery != "" || strings.HasSuffix(raw, "?") || u.Opaque != ""
	if !bad {
		p := u.EscapedPath()
		segs := strings.Split(p, "/")
		bad = p == "" || p == "/" || slices.Contains(segs, ".") || slices.Contains(segs, "..") ||
			slices.ContainsFunc(segs, func(s string) bool { return strings.EqualFold(s, "%2e") || strings.EqualFold(s, "%2e%2e") })
	}
	if bad {
		return fmt.Errorf("the client metadata address %q must be an https address with a path and nothing after it, like %s", raw, DefaultClientMetadataURL)
	}
	return nil
}

// clientMetadataURL is the metadata document's address to use at as: "" when as does not
// take such documents or they are turned off.
func clientMetadataURL(as *authServer, setting string) (string, error) {
	if !as.ClientIDMetadataDocumentSupported || setting == ClientMetadataOff {
		return "", nil
	}
	if setting == "" {
		setting = DefaultClientMetadataURL
	}
	if err := CheckClientMetadataURL(setting); err != nil {
		return "", err
	}
	return setting, nil
}
