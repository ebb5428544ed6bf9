package testbin

// SandboxProbe returns the path of the hostile probe (internal/sandboxprobe) that tries what a
// malicious server would, building it on first use.
func SandboxProbe() (string, error) { return build("sandboxprobe", "./internal/sandboxprobe") }
