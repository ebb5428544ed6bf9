package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/credential"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/remote"
	"github.com/spf13/cobra"
)

// remoteFlags are server add's flags for a remote server.
type remoteFlags struct {
	url, transport string
	headers, query []string
	allowPrivate   bool
}

func (f *remoteFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.url, "url", "", "address of a remote server (https://…/mcp) instead of a command")
	cmd.Flags().StringVar(&f.transport, "transport", "", `with --url: "http" (streamable HTTP) or "sse" (the older HTTP+SSE); detected when not given`)
	cmd.Flags().StringArrayVar(&f.headers, "header", nil, "with --url: header NAME=secret:KEY sent with every request, its value from the keychain (repeatable)")
	cmd.Flags().StringArrayVar(&f.query, "query", nil, "with --url: query value NAME=secret:KEY added to the address (repeatable)")
	cmd.Flags().BoolVar(&f.allowPrivate, "allow-private-network", false, "with --url: let MCP Tray follow the server to addresses on the local network")
}

// set reports whether any remote flag was given.
func (f *remoteFlags) set() bool {
	return f.url != "" || f.transport != "" || len(f.headers) > 0 || len(f.query) > 0 || f.allowPrivate
}

// literal is a credential given on the command line, to be moved into the keychain.
type literal struct{ key, value string }

// remoteServer builds a remote server's definition from the flags. A value given as
// secret:KEY (or containing ${secret:KEY}) names a keychain secret; any other value is a
// credential typed on the command line: it is returned to be kept in the keychain, and the
// definition names it instead, so config.json never holds it.
func (f *remoteFlags) remoteServer(secrets []string) (*config.Server, []literal, error) {
	if f.url == "" {
		return nil, nil, usageError{errors.New("--transport, --header, --query and --allow-private-network go with --url")}
	}
	if _, err := remote.CheckURL(f.url); err != nil {
		return nil, nil, usageError{err}
	}
	address, fromURL, err := credentialsOutOfURL(f.url)
	if err != nil {
		return nil, nil, usageError{err}
	}
	for i, kv := range fromURL {
		name, _, _ := strings.Cut(kv, "=")
		if slices.ContainsFunc(fromURL[:i], func(q string) bool { return strings.HasPrefix(q, name+"=") }) {
			return nil, nil, usageError{fmt.Errorf("the address gives %s more than once; give it once", display.Line(name))}
		}
		if slices.ContainsFunc(f.query, func(q string) bool { return strings.HasPrefix(q, name+"=") }) {
			return nil, nil, usageError{fmt.Errorf("the address and --query both give %s; give it once, with --query", name)}
		}
	}
	query := append(slices.Clone(f.query), fromURL...)
	switch remote.Transport(f.transport) {
	case remote.Auto, remote.Streamable, remote.SSE:
	default:
		return nil, nil, usageError{fmt.Errorf(`--transport is "http" or "sse", not %q`, f.transport)}
	}
	s := &config.Server{Remote: config.Remote{URL: address, Transport: f.transport, AllowPrivateNetwork: f.allowPrivate}}
	s.Secrets = slices.Clone(secrets)
	var moved []literal
	parse := func(flag string, kvs []string, prefix string) (map[string]string, error) {
		if len(kvs) == 0 {
			return nil, nil
		}
		m := map[string]string{}
		for _, kv := range kvs {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return nil, usageError{fmt.Errorf("--%s takes NAME=secret:KEY, and %q is not that", flag, kv)}
			}
			switch {
			case strings.HasPrefix(v, "secret:") && config.ValidEnvKey(strings.TrimPrefix(v, "secret:")):
				v = "${secret:" + strings.TrimPrefix(v, "secret:") + "}"
			case len(config.SecretRefs(v)) > 0:
			case v == "":
				return nil, usageError{fmt.Errorf("--%s %s has no value", flag, k)}
			default:
				key := secretKeyFor(prefix, k)
				moved = append(moved, literal{key, v})
				v = "${secret:" + key + "}"
			}
			for _, name := range config.SecretRefs(v) {
				if !slices.Contains(s.Secrets, name) {
					s.Secrets = append(s.Secrets, name)
				}
			}
			m[k] = v
		}
		return m, nil
	}
	if s.Headers, err = parse("header", f.headers, ""); err != nil {
		return nil, nil, err
	}
	if s.Query, err = parse("query", query, "QUERY_"); err != nil {
		return nil, nil, err
	}
	return s, moved, nil
}

// credentialsOutOfURL takes the query parameters of address that are credentials
// (credential.Param: ?api_key=…, ?token=…, api%5Fkey=…, or a value shaped like a key) out of
// it and returns them as NAME=VALUE, decoded, for --query to move into the keychain: a key
// typed into the address would otherwise land in config.json and `server list` in clear (red
// team). The other parameters stay, in their order and spelling. A credential that does not
// decode is an error rather than kept. address has passed remote.CheckURL, so it has no user
// info or fragment to look at.
func credentialsOutOfURL(address string) (string, []string, error) {
	u, err := url.Parse(address)
	if err != nil || u.RawQuery == "" {
		return address, nil, nil
	}
	var kept, moved []string
	for _, part := range strings.Split(u.RawQuery, "&") {
		rawName, rawValue, _ := strings.Cut(part, "=")
		if !credential.Param(rawName, rawValue) {
			kept = append(kept, part)
			continue
		}
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		if err1 != nil || err2 != nil {
			return "", nil, errors.New("a parameter of the address looks like a credential but is not properly %-encoded; give it with --query NAME=secret:KEY instead")
		}
		moved = append(moved, name+"="+value)
	}
	u.RawQuery = strings.Join(kept, "&")
	u.ForceQuery = false
	return u.String(), moved, nil
}

// secretKeyFor turns a header or query name into a secret's name: X-Api-Key → X_API_KEY.
//
// Its answers name keychain items already on people's computers: `server add --url` keeps a
// --header or --query value typed on the command line under it and config.json names it as
// ${secret:KEY}, so no input may ever get a different answer (TestSecretKeyForSameAsBefore).
// That is also why it stays apart from clients' envName and catalog's Secret.Key, which read
// alike but answer otherwise and name other stored items: it keeps a leading or trailing _
// (-x- → _X_, where both others give X), turns each other character into its own _ (a--b →
// A__B, where Secret.Key gives A_B) and puts H_ before an empty name or one that starts with
// a digit (envName, SECRET_), after prefix, so a query name never gets one (QUERY_1X).
func secretKeyFor(prefix, name string) string {
	key := prefix + credential.KeyChars(name)
	if key == "" || (key[0] >= '0' && key[0] <= '9') {
		key = "H_" + key
	}
	return key
}

// addRemoteServer adds a remote server: config.json gets its address and where its
// credentials go, the keychain gets any credential given on the command line.
func addRemoteServer(e *env, name string, f *remoteFlags, secrets []string, mode string) error {
	s, moved, err := f.remoteServer(secrets)
	if err != nil {
		return err
	}
	s.Mode = config.Mode(mode)
	err = e.home.AddServer(name, s)
	if errors.Is(err, config.ErrServerExists) {
		return fmt.Errorf("there is already a server named %q; remove it first (mcptray server remove %s) or pick another name", name, name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Added the remote server %q at %s.\n", name, remote.Host(f.url))
	for _, l := range moved {
		if err := storeSecret(e, name, l.key, l.value); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Kept the value given for %s in the system keychain (as %s), not in config.json.\n", strings.TrimPrefix(l.key, "QUERY_"), l.key)
	}
	var ask []string
	for _, k := range s.Secrets {
		if !slices.ContainsFunc(moved, func(l literal) bool { return l.key == k }) {
			ask = append(ask, k)
		}
	}
	if err := askSecrets(e, name, ask); err != nil {
		return err
	}
	if len(moved) > 0 {
		secretsChanged(e, name)
	}
	if e.daemonRunning() {
		fmt.Fprintln(e.stdout, "MCP Tray connects to it when an AI app does.")
	} else {
		fmt.Fprintln(e.stdout, "MCP Tray connects to it when it runs and an AI app does (open the app, or run: mcptray daemon).")
	}
	return nil
}

func newServerLoginCmd(e *env) *cobra.Command {
	var clientID string
	cmd := &cobra.Command{
		Use:   "login NAME [--client-id ID]",
		Short: "Sign in to a remote server in your browser",
		Long: `Opens the remote server's sign-in page in your browser ($BROWSER, or the system's) and waits
until you are signed in. The tokens are kept in the system keychain only; MCP Tray refreshes
them before they expire. MCP Tray identifies itself with the client id you give, else with its
client ID metadata document where the sign-in service takes one, else by registering itself.`,
		Args: exactArgs(1, "the name of a remote server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			s, err := e.home.Server(name)
			if err != nil {
				return cliError(name, err)
			}
			// The page is named by its own host, which the server's sign-in metadata chose: a
			// server naming another service's page shows here (red team: the message named the
			// MCP server's host whatever page opened).
			open := func(page string) error {
				if s.IsRemote() {
					fmt.Fprintf(e.stdout, "Opening the sign-in page of %s at %s in your browser…\n", display.Line(name), display.Line(remote.Host(page)))
				}
				return remote.OpenBrowser(page)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			if err := cliError(name, e.home.SignIn(ctx, e.keys(), name, clientID, open)); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Signed in to %s; the login is kept in the system keychain.\n", name)
			secretsChanged(e, name)
			return nil
		},
	}
	cmd.Flags().StringVar(&clientID, "client-id", "", "the client id you were given at the server's sign-in service (used instead of MCP Tray's own)")
	return cmd
}
