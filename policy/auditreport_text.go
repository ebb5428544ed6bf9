package policy

import (
	"fmt"
	"time"
)

// Sentences say, one sentence each, what the check of an intact audit log covered: the
// chain, the sealed end, the signed daily files, and what could not be checked (Note). For a
// report that is not OK, Problem says what is wrong instead.
func (r AuditReport) Sentences() []string {
	out := []string{fmt.Sprintf("The audit log is intact: %d calls in %d files, every line chained to the one before.", r.Lines, r.Files)}
	if r.EndChecked {
		out = append(out, fmt.Sprintf("Its end is sealed with MCP Tray's key from the keychain (last sealed %s): nothing was cut from it.", r.SealedAt.Local().Format(time.DateTime)))
	}
	switch {
	case r.Signed > 0 && r.EndChecked:
		out = append(out, fmt.Sprintf("%d of its daily files are signed with MCP Tray's key (each day's file is signed once the day is over): none was changed or swapped since.", r.Signed))
	case r.Signed > 0:
		out = append(out, fmt.Sprintf("%d of its daily files carry a valid signature (each day's file is signed once the day is over), but without MCP Tray's key from the keychain it could not be checked that the signatures are MCP Tray's own.", r.Signed))
	case r.Files > 0:
		out = append(out, "None of its daily files is signed yet: MCP Tray signs each day's file once the day is over.")
	}
	if r.Unsealed > 0 {
		out = append(out, fmt.Sprintf("The last %d lines were written after the last seal (MCP Tray stopped before sealing them), so deleting them would not show.", r.Unsealed))
	}
	if r.Note != "" {
		out = append(out, r.Note)
	}
	return out
}
