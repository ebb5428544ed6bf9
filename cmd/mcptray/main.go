// Command mcptray is MCP Tray: with no arguments it starts the tray app (daemon and GUI);
// its subcommands are the command-line twin of every GUI action. See `mcptray --help`.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
