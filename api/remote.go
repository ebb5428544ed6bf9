package api

// Remote servers (docs/remote.md).

// SignInParams names the remote server to sign in to, and the client id the person was given
// at its sign-in service ("" lets MCP Tray register itself there).
type SignInParams struct {
	Name     string `json:"name"`
	ClientID string `json:"clientId,omitempty"`
}

// ServersSignIn is the window's "Sign in…".
var ServersSignIn = Method[SignInParams, None]{Name: "servers.signin", Errors: []error{ErrNotFound, ErrBadRequest},
	Loosens: Loosens,
	Doc:     "Signs in to a remote server: opens its sign-in page in the person's browser ($BROWSER, or the system's) and answers once the person finished there (at most 5 minutes); the tokens go to the keychain only, config.json names the sign-in service, and the server is restarted so its next connection uses them. ErrBadRequest: the server runs on this computer, or asks no sign-in."}
