package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Check returns what this machine can enforce: every supported Windows can start a process
// with a low-integrity token.
func Check() Status { return Status{LowIntegrity: true} }

func supported(s Status) bool { return s.LowIntegrity }

func gaps(s Status) string {
	return strings.Join(lowIntegrityGaps(Rules{Network: true}, ""), " ")
}

// Wrap makes cmd start with a low-integrity copy of MCP Tray's own token, after labelling
// r's write folders low so the server may still change them. It creates r.Make first. Reads
// and the network are not confined on Windows (see Gaps); the Job Object that ends the whole
// tree is the supervisor's.
func Wrap(cmd *exec.Cmd, r Rules) error {
	for _, d := range r.Make {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("creating the server's folder: %w", err)
		}
	}
	for _, p := range r.Write {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if err := labelLow(p); err != nil {
			return fmt.Errorf("letting the server change %s: %w", p, err)
		}
	}
	tok, err := lowToken()
	if err != nil {
		return fmt.Errorf("making the server's restricted token: %w", err)
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Token = syscall.Token(tok)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, r.Env...)
	return nil
}

// lowToken duplicates this process's token as a primary token at low integrity.
func lowToken() (windows.Token, error) {
	var own windows.Token
	if err := windows.OpenProcessToken(windows.CurrentProcess(),
		windows.TOKEN_DUPLICATE|windows.TOKEN_QUERY|windows.TOKEN_ADJUST_DEFAULT|windows.TOKEN_ASSIGN_PRIMARY, &own); err != nil {
		return 0, err
	}
	defer own.Close()
	var dup windows.Token
	if err := windows.DuplicateTokenEx(own, windows.MAXIMUM_ALLOWED, nil, windows.SecurityImpersonation,
		windows.TokenPrimary, &dup); err != nil {
		return 0, err
	}
	sid, err := windows.CreateWellKnownSid(windows.WinLowLabelSid)
	if err != nil {
		dup.Close()
		return 0, err
	}
	label := windows.Tokenmandatorylabel{Label: windows.SIDAndAttributes{Sid: sid, Attributes: windows.SE_GROUP_INTEGRITY}}
	if err := windows.SetTokenInformation(dup, windows.TokenIntegrityLevel, (*byte)(unsafe.Pointer(&label)),
		uint32(unsafe.Sizeof(label))+windows.GetLengthSid(sid)); err != nil {
		dup.Close()
		return 0, err
	}
	return dup, nil
}

// labelLow gives path (and what it contains) the low mandatory label, as
// `icacls PATH /setintegritylevel (OI)(CI)low` does.
func labelLow(path string) error {
	sd, err := windows.SecurityDescriptorFromString("S:(ML;OICI;NW;;;LW)")
	if err != nil {
		return err
	}
	sacl, _, err := sd.SACL()
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.LABEL_SECURITY_INFORMATION, nil, nil, nil, sacl)
}

func systemReadPaths() []string {
	return []string{os.Getenv("SystemRoot"), os.Getenv("ProgramFiles"), os.Getenv("ProgramFiles(x86)")}
}

func systemWritePaths() []string { return nil }
