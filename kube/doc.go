// Package kube reads a person's kubeconfig the way kubectl does (KUBECONFIG with several
// files, or ~/.kube/config), and writes, for one Kubernetes MCP server, a kubeconfig holding
// exactly one context, its cluster and its user, so that the server cannot see or switch to
// any other context. Certificate files are inlined, other file paths made absolute, exec
// plugins kept. It also tells production contexts apart (Production), and recognises the
// servers that reach Kubernetes, from a list kept as data in servers.json (Recognise,
// SwitchesContext). It never talks to a
// cluster, and never logs: a kubeconfig may hold tokens.
//
// The model is a thin layer over YAML nodes rather than client-go's types, so fields this
// package does not know (extensions, newer auth settings) reach the written file unchanged.
package kube
