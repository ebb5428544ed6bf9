package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
	"github.com/spf13/cobra"
)

// keys returns the system keychain. Every call has its own timeout (an unlock prompt can
// block forever), and MCP Tray never falls back to a file.
func (e *env) keys() keychain.Store { return keychain.System(keychain.Options{}) }

func keychainCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*time.Minute)
}

func newSecretCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secret",
		Short: "Keep a server's credentials in the system keychain",
		Long: `Secrets are credentials a server needs (API tokens, passwords). MCP Tray keeps their
values in the system keychain only — never in config.json or an AI client's settings — and
hands them to the server when it starts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("secret needs a command: set, list or delete")}
		},
	}
	cmd.AddCommand(newSecretSetCmd(e), newSecretListCmd(e), newSecretDeleteCmd(e))
	return cmd
}

func newSecretSetCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "set SERVER KEY",
		Short: "Store a secret (the value is read from standard input, never from the command line)",
		Example: `  mcptray secret set github GITHUB_PERSONAL_ACCESS_TOKEN      (asks for the value, hidden)
  printf %s "$TOKEN" | mcptray secret set github GITHUB_PERSONAL_ACCESS_TOKEN`,
		Args: exactArgs(2, "a server name and a secret name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			server, key := args[0], args[1]
			if !config.ValidEnvKey(key) {
				return usageError{fmt.Errorf("%q cannot be a secret name: use letters, digits and _ (like an environment variable)", key)}
			}
			if _, err := serverConfig(e, server); err != nil {
				return err
			}
			value, err := readSecret(e, key)
			if err != nil {
				return err
			}
			if err := storeSecret(e, server, key, value); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Saved %s for %s in the system keychain.\n", key, server)
			secretsChanged(e, server)
			return nil
		},
	}
}

// storeSecret puts the value in the keychain and declares the name in config.json.
func storeSecret(e *env, server, key, value string) error {
	ctx, cancel := keychainCtx()
	defer cancel()
	return cliError(server, e.home.SetSecret(ctx, e.keys(), server, key, value))
}

// secretsChanged tells a running MCP Tray, which restarts the server with the new value.
func secretsChanged(e *env, server string) {
	if err := call(e, api.SecretsChanged, api.NameParams{Name: server}, nil); err == nil {
		fmt.Fprintf(e.stdout, "MCP Tray is restarting %s so it uses the new value.\n", server)
	}
}

// readSecret reads a value: a hidden prompt on a terminal, else all of standard input without
// its final line ending.
func readSecret(e *env, key string) (string, error) {
	var value string
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		// The echo goes off before the prompt shows, so a value typed or pasted the moment it
		// appears is never shown (ReadPassword alone turns it off only after the prompt).
		fd := int(f.Fd())
		old, err := term.MakeRaw(fd)
		if err != nil {
			return "", fmt.Errorf("reading the value: %w", err)
		}
		fmt.Fprintf(e.stderr, "Value for %s (typing is hidden): ", key)
		b, err := term.ReadPassword(fd)
		term.Restore(fd, old)
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("reading the value: %w", err)
		}
		value = string(b)
	} else {
		b, err := io.ReadAll(io.LimitReader(e.stdin, 64<<10))
		if err != nil {
			return "", fmt.Errorf("reading the value from standard input: %w", err)
		}
		b = bytes.TrimSuffix(b, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
		value = string(b)
	}
	if value == "" {
		return "", usageError{fmt.Errorf("no value for %s was given: type it when asked, or pipe it in on standard input", key)}
	}
	return value, nil
}

func serverConfig(e *env, name string) (*config.Server, error) {
	s, err := e.home.Server(name)
	return s, cliError(name, err)
}

// SecretListItem is one row of `secret list --json`.
type SecretListItem struct {
	Key string `json:"key"`
	Set bool   `json:"set"`
}

func newSecretListCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list SERVER",
		Short: "Show a server's secrets and whether each is set (never their values)",
		Args:  exactArgs(1, "a server name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := serverConfig(e, args[0])
			if err != nil {
				return err
			}
			ctx, cancel := keychainCtx()
			defer cancel()
			items := []SecretListItem{}
			if len(s.Secrets) > 0 {
				got, err := e.keys().List(ctx, args[0], s.Secrets)
				if err != nil {
					return err
				}
				for _, it := range got {
					items = append(items, SecretListItem{Key: it.Key, Set: it.Set})
				}
			}
			if asJSON {
				return writeJSON(e, map[string]any{"server": args[0], "secrets": items})
			}
			if len(items) == 0 {
				fmt.Fprintf(e.stdout, "%s needs no secrets.\n", args[0])
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SECRET\tSTATE")
			for _, it := range items {
				state := "not set — run: mcptray secret set " + args[0] + " " + it.Key
				if it.Set {
					state = "set"
				}
				fmt.Fprintf(tw, "%s\t%s\n", it.Key, state)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newSecretDeleteCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "delete SERVER [KEY]",
		Short: "Delete one secret, or all of a server's secrets, from the keychain",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageError{errors.New("secret delete needs a server name and, optionally, a secret name")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := serverConfig(e, args[0])
			if err != nil {
				return err
			}
			keys := s.Secrets
			if len(args) == 2 {
				keys = []string{args[1]}
			}
			if err := deleteSecrets(e, args[0], keys); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Deleted %s of %s from the system keychain.\n", strings.Join(keys, ", "), args[0])
			secretsChanged(e, args[0])
			return nil
		},
	}
}

// deleteSecrets removes values from the keychain; one that is not there is fine.
func deleteSecrets(e *env, server string, keys []string) error {
	ctx, cancel := keychainCtx()
	defer cancel()
	return keychain.DeleteAll(ctx, e.keys(), server, keys)
}
