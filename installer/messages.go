package installer

import (
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/internal/prose"
)

func savingMessage(secrets int) string {
	switch secrets {
	case 0:
		return "Saving the server's settings."
	case 1:
		return "Saving the server's settings; its secret goes to the system keychain only."
	}
	return fmt.Sprintf("Saving the server's settings; its %d secrets go to the system keychain only.", secrets)
}

func clientNames(ids []string) []string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if c, ok := clients.ByID(id); ok {
			names = append(names, c.Name())
		} else {
			names = append(names, id)
		}
	}
	return names
}

func clientsMessage(ids []string) string {
	return fmt.Sprintf("Letting %s use it.", prose.JoinAnd(clientNames(ids)))
}

func doneMessage(title string, tools []string, clientIDs []string, kube bool) string {
	var b strings.Builder
	switch {
	case kube:
		fmt.Fprintf(&b, "%s is installed; choose the Kubernetes context it may use to start it.", title)
	case len(tools) == 1:
		fmt.Fprintf(&b, "%s is installed and works: it offers 1 tool.", title)
	default:
		fmt.Fprintf(&b, "%s is installed and works: it offers %d tools.", title, len(tools))
	}
	for _, id := range clientIDs {
		if c, ok := clients.ByID(id); ok && c.NeedsRestart() {
			b.WriteString(" " + c.RestartHint())
		}
	}
	return b.String()
}
