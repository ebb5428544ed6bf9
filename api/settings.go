package api

// The app's own settings and the person's secrets.

// SettingsResult is the answer of settings.get and settings.set.
type SettingsResult struct {
	// ApprovalTimeoutSeconds is in effect now (the default filled in).
	ApprovalTimeoutSeconds int `json:"approvalTimeoutSeconds"`
	// StartAtLogin is whether MCP Tray starts when the person logs in (the entry exists).
	StartAtLogin bool `json:"startAtLogin"`
	// Theme is "light", "dark" or "" for the system's.
	Theme string `json:"theme"`
}

// SettingsParams changes settings with settings.set; a nil field is left as it is.
type SettingsParams struct {
	ApprovalTimeoutSeconds *int    `json:"approvalTimeoutSeconds,omitempty"`
	StartAtLogin           *bool   `json:"startAtLogin,omitempty"`
	Theme                  *string `json:"theme,omitempty"`
}

// SecretParams names a server's secret and, for secrets.set, its value. The value is never
// logged, stored anywhere but the keychain, nor returned.
type SecretParams struct {
	Server string `json:"server"`
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
}

// SecretItem is one secret of a server: its name and whether the keychain holds a value.
type SecretItem struct {
	Key string `json:"key"`
	Set bool   `json:"set"`
}

// SecretsResult is the answer of secrets.list, in config.json's order.
type SecretsResult struct {
	Server  string       `json:"server"`
	Secrets []SecretItem `json:"secrets"`
}
