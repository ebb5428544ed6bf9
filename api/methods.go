package api

import (
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// Every control method, once. The daemon serves each of these (api.Handle, api.HandleStream)
// and the command line and the window call them (api.Call, api.OpenStream). Add a method here
// (or in a file of its own), list it in All, and run `go test ./api -update` to regenerate
// docs/app-api.md.

// The daemon and its servers.
var (
	Ping = Method[None, PingResult]{Name: "ping",
		Doc: "Says which MCP Tray answers: its version, process, home, and whether config.json loads and everything is paused."}
	Status = Method[None, StatusResult]{Name: "status",
		Doc: "Every server's state, with the config.json problem and the pause if any."}
	Start = Method[NameParams, None]{Name: "start", Errors: []error{ErrNotFound},
		Doc: "Starts a server (its warm spare, or its shared process)."}
	Stop = Method[NameParams, None]{Name: "stop", Errors: []error{ErrNotFound},
		Doc: "Stops a server and waits until its processes are gone."}
	Restart = Method[NameParams, None]{Name: "restart", Errors: []error{ErrNotFound},
		Doc: "Stops a server and starts it again."}
	Show = Method[None, None]{Name: "show",
		Doc: "Opens MCP Tray's window; fails when the daemon runs without one."}
	Tools = Method[NameParams, ToolsResult]{Name: "tools",
		Doc: "The tools a server presented the last time an AI app asked."}
	Probe = Method[ProbeParams, ToolsResult]{Name: "probe", Errors: []error{ErrNotFound, ErrBadRequest},
		Doc: "Connects to a server as an AI app does (through policy and pins) and lists every tool."}
	Pause = Method[PauseParams, PauseParams]{Name: "pause", Loosens: LoosensSometimes, LoosensWhen: "paused is false (resuming)",
		Doc: "\"Pause all\": stops every running server (and starts again on resume the ones it stopped; servers the person stopped stay stopped) and ends every session-mode connection already open; while paused, new AI-app connections wait with a line in the server's log. In memory only; published as paused and resumed notes on events, and as paused in ping and status. Answers with the state asked for."}
	ServersEnable = Method[ServerSwitchParams, None]{Name: "servers.enable", Errors: []error{ErrNotFound},
		Loosens: LoosensSometimes, LoosensWhen: "enabled is true",
		Doc: "Turns a server on or off in config.json."}
	ServersMode = Method[ServerModeParams, None]{Name: "servers.mode", Errors: []error{ErrNotFound, ErrBadRequest},
		Doc: "Sets how a server's processes are shared with AI apps."}
	ServersDetails = Method[None, ServerDetailsResult]{Name: "servers.details",
		Doc: "What config.json says of every server: command, mode, on/off, secret names, catalog source, Kubernetes context; the resident memory of its ready process tree (Linux; 0 elsewhere); and its sandbox as a sentence (\"can read and change files in Documents/notes; cannot use the internet\", or \"runs without a sandbox: …\") with confined (see sandbox.md)."}
	ServersSandbox = Method[SandboxParams, None]{Name: "servers.sandbox", Errors: []error{ErrNotFound, ErrBadRequest},
		Loosens: LoosensSometimes, LoosensWhen: "the server may touch more than it could (a folder, writing, the network, no sandbox)",
		Doc: "Changes what a server may read, write and reach."}
	ServersSandboxShow = Method[SandboxParams, SandboxParams]{Name: "servers.sandbox.show", Errors: []error{ErrNotFound},
		Doc: "A server's sandbox as config.json has it (nil when nobody chose yet); takes the name only."}
	SecretsChanged = Method[NameParams, None]{Name: "secrets.changed", Errors: []error{ErrNotFound},
		Doc: "Tells the daemon a server's secrets changed in the keychain: it restarts the server so its spare has them."}
)

// Approvals and policy.
var (
	Approvals = Method[ApprovalsParams, ApprovalsResult]{Name: "approvals",
		Doc: "Held calls, oldest first, at most 100 a page; in the list arguments are cut to 2 KB and descriptions to 1 KB (truncated). app is the program that started the AI app's bridge, read from the operating system; client is the name the app gives itself."}
	ApprovalGet = Method[ApprovalParams, policy.Approval]{Name: "approval.get", Errors: []error{ErrNotFound},
		Doc: "One held call, whole."}
	Approve = Method[ApproveParams, None]{Name: "approve", Errors: []error{ErrNotFound, ErrBadRequest, ErrAlreadyAnswered, ErrNotFromPerson},
		Loosens: Loosens,
		Doc:     "Lets a held call go on: once, for the session or always."}
	Deny = Method[ApproveParams, None]{Name: "deny", Errors: []error{ErrNotFound, ErrAlreadyAnswered},
		Doc: "Refuses a held call."}
	PolicyList = Method[NameParams, PolicyListResult]{Name: "policy.list",
		Doc: "A server's tools as policy sees them: rule, pin, whether a changed definition waits."}
	PolicyReview = Method[ToolParams, policy.PinReview]{Name: "policy.review", Errors: []error{ErrNotFound},
		Doc: "A changed tool's old and new definitions and fingerprint, the code the person is shown."}
	PolicyAccept = Method[ToolParams, None]{Name: "policy.accept", Errors: []error{ErrNotFound, ErrBadRequest, ErrNotFromPerson},
		Loosens: Loosens,
		Doc:     "Accepts a changed definition only if it still has the fingerprint that was reviewed; otherwise a sentence says it changed again."}
	PolicySet = Method[RuleParams, None]{Name: "policy.set", Errors: []error{ErrNotFound, ErrBadRequest, ErrNotFromPerson},
		Loosens: LoosensSometimes, LoosensWhen: "the rule is allow, or ask where it was deny",
		Doc: "Sets a tool's rule in config.json (allow, ask or deny; the CLI's policy set)."}
	PolicyTrust = Method[TrustParams, None]{Name: "policy.trust", Errors: []error{ErrNotFound, ErrNotFromPerson},
		Loosens: LoosensSometimes, LoosensWhen: "trust is true",
		Doc: "Trusts a whole server (no pins, no asking), or stops trusting it."}
	AuditRecent = Method[AuditParams, AuditResult]{Name: "audit.recent",
		Doc: "The newest audit records, newest first (limit 200 by default, at most 2000)."}
	AuditFlush = Method[None, None]{Name: "audit.flush",
		Doc: "Returns once every call that ended before it is in the audit log's files (the log is written in batches while calls keep coming): the CLI asks it before reading them."}
)

// Config changes waiting for the person, settings and secrets.
var (
	ConfigPending = Method[None, PendingResult]{Name: "config.pending",
		Doc: "A change to config.json that MCP Tray did not make and that loosens something (a new server, a changed command, an AI-app binding, trust, an allow rule, a Kubernetes context) waits here; tightening applies at once."}
	ConfigConfirm = Method[ConfirmParams, PendingResult]{Name: "config.confirm", Errors: []error{ErrNotFromPerson},
		Loosens: Loosens,
		Doc:     "Accepts exactly the reviewed change (named by its fingerprint). Answers as config.pending."}
	ConfigDiscard = Method[None, PendingResult]{Name: "config.discard",
		Doc: "Writes back what runs: every waiting loosening reverted, every tightening kept. Answers as config.pending."}
	ConfigExpect = Method[ExpectParams, None]{Name: "config.expect", Errors: []error{ErrBadRequest, ErrNotFromPerson},
		Loosens: LoosensSometimes, LoosensWhen: "the change loosens what the person accepted",
		Doc: "The command line's own write to config.json, announced under the config lock before it is saved, so it does not wait."}
	SettingsGet = Method[None, SettingsResult]{Name: "settings.get",
		Doc: "The approval timeout in effect, whether the start-at-login entry exists, and the theme (\"\" is the system's)."}
	SettingsSet = Method[SettingsParams, SettingsResult]{Name: "settings.set", Errors: []error{ErrBadRequest},
		Doc: "Saves settings to config.json (each field optional): the approval timeout applies to the next held call at once; start at login writes or removes the entry; publishes a settings note. Answers as settings.get."}
	SecretsList = Method[SecretParams, SecretsResult]{Name: "secrets.list", Errors: []error{ErrNotFound},
		Doc: "A server's secret names and whether the keychain holds each; never a value."}
	SecretsSet = Method[SecretParams, None]{Name: "secrets.set", Errors: []error{ErrNotFound, ErrBadRequest, ErrNotFromPerson},
		Loosens: Loosens,
		Doc:     "Puts a value in the keychain and its name in config.json (a value kept in env moves out); the server restarts. The value is never logged or returned."}
	SecretsDelete = Method[SecretParams, None]{Name: "secrets.delete", Errors: []error{ErrNotFound},
		Doc: "Deletes one value (every value when name is empty) from the keychain and restarts the server; the names stay declared."}
)

// AI apps.
var (
	ClientsList = Method[None, ClientsResult]{Name: "clients.list",
		Doc: "Every AI app MCP Tray knows, its files and recent events, as the daemon last applied config.json."}
	ClientsStatus = Method[None, ClientsResult]{Name: "clients.status",
		Doc: "As clients.list, but from config.json as it is on disk now, so a change just made shows at once."}
	ClientsReconcile = Method[ClientParams, ClientsResult]{Name: "clients.reconcile", Errors: []error{ErrNotFound},
		Doc: "Writes one AI app's files (every app's when Client is empty) now."}
	ClientsSet = Method[ClientSetParams, ClientsResult]{Name: "clients.set", Errors: []error{ErrNotFound, ErrNotFromPerson},
		Loosens: LoosensSometimes, LoosensWhen: "enabled is true",
		Doc: "Which servers an AI app sees (servers empty: every server, including later ones); the app's files are written at once."}
	ClientsImport = Method[ClientImportParams, ClientImportResult]{Name: "clients.import", Errors: []error{ErrNotFound, ErrNotFromPerson},
		Loosens: LoosensSometimes, LoosensWhen: "dryRun is false",
		Doc: "The CLI's client import: the plan (dryRun) or the import; credentials go to the keychain; allowAutoApproved makes the tools the app ran without asking allow rules; clients holds every app's status afterwards."}
	ClientsRestore = Method[ClientParams, ClientRestoreResult]{Name: "clients.restore", Errors: []error{ErrNotFound, ErrNotFromPerson},
		Loosens: Loosens,
		Doc:     "The CLI's client restore: puts back the newest backup of the app's files and switches it off."}
)

// Kubernetes.
var (
	KubeContexts = Method[KubeContextsParams, KubeContextsResult]{Name: "kube.contexts", Errors: []error{ErrNotFound, ErrBadRequest},
		Doc: "Every Kubernetes server's chosen context and the contexts of the person's kubeconfig (KUBECONFIG, else ~/.kube/config); error is a sentence when the kubeconfig cannot be read."}
	KubeUse = Method[KubeUseParams, None]{Name: "kube.use", Errors: []error{ErrNotFound, ErrBadRequest, ErrNeedsConfirmation, ErrNotFromPerson},
		Loosens: LoosensSometimes, LoosensWhen: "the context is not the server's own (the first choice too), is a production one, or a namespace limit is lifted or changed",
		Doc: "Switches a Kubernetes server to one context (and namespace): rewrites its one-context kubeconfig and restarts it (open connections keep their process; the next connection gets the new context). A production context without yes fails with ErrNeedsConfirmation. Publishes kube_switched; a context that disappears from the kubeconfig publishes kube_context_gone and stops the server."}
	KubeForget = Method[KubeForgetParams, None]{Name: "kube.forget", Errors: []error{ErrNotFound, ErrNotFromPerson},
		Loosens: Loosens,
		Doc:     "Forgets a server's context choice: it is no longer guarded as a Kubernetes server."}
)

// The catalog.
var (
	CatalogList = Method[installer.ListParams, installer.ListResult]{Name: "catalog.list",
		Doc: "Catalog entries matching a query, with what is installed (catalog-json.md)."}
	CatalogPlan = Method[installer.PlanParams, installer.PlanView]{Name: "catalog.plan", Errors: []error{ErrBadRequest},
		Doc: "Exactly what installing an entry, or a bundle by its bundle.open id, would run and what needs consent, with the digest install must send back (catalog-json.md); a registry entry that is a bundle is downloaded first."}
	CatalogScan = Method[ScanParams, ScanResult]{Name: "catalog.scan", Errors: []error{ErrBadRequest},
		Doc: "Starts a catalog entry's server confined in a throwaway folder, with placeholder credentials and no network after fetching its package, lists its tools, stops it and scans them (scanner.md); an error sentence when it cannot be started or the machine cannot confine it. Reads only."}
	BundleOpen = Method[installer.BundleParams, installer.BundleView]{Name: "bundle.open", Errors: []error{ErrBadRequest},
		Doc: "Opens and checks a Claude extension bundle file (an absolute path) and describes it: its id for catalog.plan and install (which pins the file's sha256), title, description, version, the signature and its sentence, why this computer cannot run it (problem), and its questions (bundles.md). A file that is not a bundle MCP Tray accepts is an error sentence. Reads only."}
	CatalogOutdated = Method[None, installer.OutdatedResult]{Name: "catalog.outdated",
		Doc: "Installed servers with a newer version, and what else each update changes (updates.md)."}
)

// The streams.
var (
	Logs = Stream[LogsParams, supervisor.Line]{Name: "logs", Errors: []error{ErrNotFound},
		Doc: "A server's recent log lines, then (follow) each new one."}
	Traffic = Stream[LogsParams, TrafficRecord]{Name: "traffic", Errors: []error{ErrNotFound},
		Doc: "A server's recently relayed messages (never their bodies), then (follow) each new one."}
	Events = Stream[None, Event]{Name: "events",
		Doc: "Every server's status, then a config_ok or config_error note (always, so a subscriber knows it is connected even with no server), the pause, and the calls waiting; then each change, note and approval as it happens."}
	ApprovalsWatch = Stream[None, policy.Event]{Name: "approvals.watch",
		Doc: "The calls waiting, then each one raised or resolved."}
	Install = Stream[installer.Request, installer.Progress]{Name: "install", Errors: []error{ErrNotFromPerson},
		Loosens: Loosens,
		Doc:     "Installs a catalog entry as planned (catalog-json.md); each step is a line, and a failed install is a failed line, not a stream error."}
	Update = Stream[installer.UpdateParams, installer.Progress]{Name: "update", Errors: []error{ErrBadRequest, ErrNotFromPerson},
		Loosens: Loosens,
		Doc:     "Moves an installed server to another version, or back with rollback; lines as install (updates.md)."}
)
