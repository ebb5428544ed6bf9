package installer

// The wire types of the daemon's "catalog.list", "install" and "update" methods; see
// docs/catalog-json.md. Fields are only ever added, never renamed or removed.

// Step names one stage of an install or update, as sent in Progress.Step.
type Step string

// The steps, in the order an install goes through them. "downloading" may repeat while a
// runtime fetches the package; the last Progress of every install is StepDone or StepFailed.
const (
	StepChecking    Step = "checking"    // the entry, the answers, the name, the runtime
	StepSaving      Step = "saving"      // secrets to the keychain, the server to config.json
	StepStarting    Step = "starting"    // MCP Tray starts the server
	StepDownloading Step = "downloading" // npx, uvx or docker fetch the package (first time)
	StepListing     Step = "listing"     // waiting for the server's tool list
	StepClients     Step = "clients"     // AI clients are given the server
	StepDone        Step = "done"        // installed; Tools holds the tool names
	StepFailed      Step = "failed"      // nothing was left behind; Message says why
	// StepReview ends an update whose new version is ready but was not switched on: the
	// scanner found something (Findings); UpdateParams.AcceptFindings = Accept switches.
	StepReview Step = "review"
)

// Request asks to install one catalog entry.
type Request struct {
	// ID is the catalog id (or registry name) of the entry, as in EntryView.ID.
	ID string `json:"id"`
	// Name is the server name to install under; "" means the entry's suggested name.
	Name string `json:"name,omitempty"`
	// Values answers the entry's questions by QuestionView.Key, secrets included (they go to
	// the keychain only). A repeated question takes its values joined by "\n".
	Values map[string]string `json:"values,omitempty"`
	// Clients are AI client ids ("claude-desktop", "cursor", …) that should see the server.
	Clients []string `json:"clients,omitempty"`
	// Allow holds the HazardView keys the person allowed one by one; an install refuses
	// every hazard whose key is missing.
	Allow []string `json:"allow,omitempty"`
	// Plan is PlanView.Digest of what the person was shown; when set, an install whose plan
	// differs (the registry changed the entry meanwhile) is refused. "" skips the check.
	Plan string `json:"plan,omitempty"`
}

// Progress is one line of the install (or update) stream.
type Progress struct {
	Step    Step   `json:"step"`
	Message string `json:"message"` // one plain sentence for a person
	Server  string `json:"server"`  // the server name being installed
	// Tools are the names of the server's tools, on StepDone.
	Tools []string `json:"tools,omitempty"`
	// Changes are an update's changes besides the version, on the StepFailed line of an
	// update refused for want of UpdateParams.Accept.
	Changes []Change `json:"changes,omitempty"`
	// Findings are the scanner's sentences on a StepReview line; Accept is what
	// UpdateParams.AcceptFindings takes to switch anyway.
	Findings []string `json:"findings,omitempty"`
	Accept   string   `json:"accept,omitempty"`
}

// EntryView is one catalog entry as the GUI and `catalog list` show it.
type EntryView struct {
	ID          string `json:"id"`
	Name        string `json:"name"` // the MCP Registry name
	Title       string `json:"title"`
	Description string `json:"description"` // one plain-language line
	// About is the server's own description as its publisher wrote it (for built-in entries
	// Description is MCP Tray's plainer line); search matches both.
	About    string `json:"about"`
	Category string `json:"category"`  // "" for registry entries without MCP Tray metadata
	ReadOnly bool   `json:"read_only"` // true only when MCP Tray's metadata says so
	// Runtime is what the computer needs: "node", "python" or "docker".
	Runtime string `json:"runtime"`
	// RuntimeMissing is the sentence saying what to install and from where, when the
	// runtime's command is not found on this computer; "" when it is there.
	RuntimeMissing string   `json:"runtime_missing"`
	Version        string   `json:"version"` // the exact version installed
	SourceURL      string   `json:"source_url"`
	InstalledAs    []string `json:"installed_as"` // server names installed from this entry
	Shareable      bool     `json:"shareable"`    // safe to run one process for every client
	Kubernetes     bool     `json:"kubernetes"`
	Origin         string   `json:"origin"` // "built-in", "registry" or "bundle" (a bundle file the person opened)
	// LookAlike is the built-in id whose name this registry entry imitates; "" when none.
	LookAlike string         `json:"look_alike,omitempty"`
	Questions []QuestionView `json:"questions"`
	// Icon is the entry's picture for a light window (catalog.Entry.Icon).
	Icon IconView `json:"icon"`
	// Needs is the plain line about what the computer needs, e.g. "Needs Python tools (uv)"
	// (catalog.NeedsLine), or for a server on the internet where it runs and which key it
	// needs (RemoteLine), e.g. "Runs on the internet at api.example.com; needs a key: X-Api-Key".
	Needs string `json:"needs"`
	// RemoteHost is where a server that runs on the internet is (RemoteHost); "" for one
	// that runs on this computer.
	RemoteHost string `json:"remote_host,omitempty"`
}

// IconView is an entry's picture (catalog.EntryIcon): Data, a built-in entry's own SVG
// (base64 in JSON), or empty, when the window shows catalog.DefaultIcon; URL, the https
// address of a registry entry's own picture, when it publishes one.
type IconView struct {
	MimeType string `json:"mime_type"`
	Data     []byte `json:"data,omitempty"`
	URL      string `json:"url,omitempty"`
}

// QuestionView is one thing to ask before installing.
type QuestionView struct {
	Key         string   `json:"key"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Secret      bool     `json:"secret"`
	Required    bool     `json:"required"`
	Default     string   `json:"default"`
	Choices     []string `json:"choices"`
	Format      string   `json:"format"` // "string", "number", "boolean" or "filepath"
	// Repeated questions take several values, joined by "\n" in Request.Values.
	Repeated    bool   `json:"repeated"`
	Placeholder string `json:"placeholder"`
	// Kind is how to ask (catalog.KindText, KindSecret, KindChoice, KindCheckbox, KindPath,
	// KindNumber); a checkbox's Description says what ticking it does.
	Kind string `json:"kind"`
}

// ListParams are the parameters of "catalog.list".
type ListParams struct {
	Query string `json:"query,omitempty"`
}

// ListResult is the answer of "catalog.list".
type ListResult struct {
	Entries []EntryView `json:"entries"`
	// Registry says whether registry results are included: "live", "cached" (the registry
	// was unreachable, cached answers were used), or "off".
	Registry string `json:"registry"`
}

// PlanParams are the parameters of "catalog.plan": the same entry, name and answers an
// install would take.
type PlanParams struct {
	ID     string            `json:"id"`
	Name   string            `json:"name,omitempty"`
	Values map[string]string `json:"values,omitempty"`
}

// PlanView is exactly what an install would run and what needs the person's consent.
// Secrets never appear: Env holds only non-secret values, Secrets only names.
type PlanView struct {
	Server  string            `json:"server"`
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env,omitempty"`     // non-secret
	Secrets []string          `json:"secrets,omitempty"` // names only
	Origin  string            `json:"origin"`            // "built-in" or "registry"
	Hazards []HazardView      `json:"hazards,omitempty"`
	// LookAlike is the built-in id whose name this registry entry imitates; "" when none.
	LookAlike string `json:"look_alike,omitempty"`
	// Frozen says the server is installed into MCP Tray's folder (npm/pypi) and started
	// without npx/uvx.
	Frozen bool `json:"frozen"`
	// Pinned: a container image, run by the digest its tag names at install (Docker still
	// downloads it the first time it starts).
	Pinned bool `json:"pinned,omitempty"`
	// URL, Transport ("http" or "sse") and Headers are where a remote server is and what it
	// is sent, when the entry runs on the internet (Command is then ""); a secret header's
	// value is ${secret:KEY}, KEY among Secrets.
	URL       string            `json:"url,omitempty"`
	Transport string            `json:"transport,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	// Digest names exactly this plan (PlanDigest); an install request carries it back so that
	// what runs is what was shown.
	Digest string `json:"digest"`
}

// HazardView is one flag, variable or command the catalog refuses unless the person
// allows it.
type HazardView struct {
	Key    string `json:"key"`    // what Request.Allow takes, e.g. "env:NODE_OPTIONS", "arg:--registry"
	Item   string `json:"item"`   // as written in the entry (secret-free)
	Reason string `json:"reason"` // one plain sentence why it is dangerous
}
