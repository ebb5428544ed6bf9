package remote

import (
	"errors"
	"os"
	"os/exec"
	"strings"
)

// OpenBrowser shows url in the person's browser: the first command of $BROWSER that starts
// (commands separated by ':'; "%s" in one stands for the address, else it is added as the
// last argument), or the system's opener. It does not wait for the browser.
func OpenBrowser(url string) error {
	if env := os.Getenv("BROWSER"); env != "" {
		var last error
		for _, c := range strings.Split(env, ":") {
			args := strings.Fields(c)
			if len(args) == 0 {
				continue
			}
			placed := false
			for i, a := range args {
				if strings.Contains(a, "%s") {
					args[i], placed = strings.ReplaceAll(a, "%s", url), true
				}
			}
			if !placed {
				args = append(args, url)
			}
			if last = start(args); last == nil {
				return nil
			}
		}
		return last
	}
	if len(systemOpener) == 0 {
		return errors.New("this system has no way to open a browser; set $BROWSER")
	}
	return start(append(systemOpener[:len(systemOpener):len(systemOpener)], url))
}

func start(args []string) error {
	cmd := exec.Command(args[0], args[1:]...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
