package api

import (
	"reflect"
	"slices"
)

// Description is what docs/app-api.md says of one method, and what the daemon's authority
// check can read of it.
type Description struct {
	Name        string
	Doc         string
	Stream      bool
	Params      reflect.Type // None for no params
	Result      reflect.Type // a Stream's event type
	Errors      []error
	Loosens     Loosening
	LoosensWhen string
}

// Described is a Method or a Stream.
type Described interface{ Describe() Description }

// Describe returns m's description.
func (m Method[P, R]) Describe() Description {
	return Description{Name: m.Name, Doc: m.Doc, Params: reflect.TypeFor[P](), Result: reflect.TypeFor[R](),
		Errors: errorsOf(m.Errors, m.Loosens), Loosens: m.Loosens, LoosensWhen: m.LoosensWhen}
}

// Describe returns s's description.
func (s Stream[P, E]) Describe() Description {
	return Description{Name: s.Name, Doc: s.Doc, Stream: true, Params: reflect.TypeFor[P](), Result: reflect.TypeFor[E](),
		Errors: errorsOf(s.Errors, s.Loosens), Loosens: s.Loosens, LoosensWhen: s.LoosensWhen}
}

// errorsOf is a method's declared errors, with ErrNotFromPerson for one that may loosen: the
// daemon refuses such a call from anyone but the person, whatever its declaration says.
func errorsOf(declared []error, l Loosening) []error {
	if l == Tightens || slices.Contains(declared, ErrNotFromPerson) {
		return declared
	}
	return append(slices.Clone(declared), ErrNotFromPerson)
}

// All is every method and stream, in the order docs/app-api.md lists them. A test fails when
// a method declared in this package is missing here.
var All = []Described{
	Ping, Status, Start, Stop, Restart, Show, Tools, Probe, Pause, ServersEnable, ServersMode,
	ServersDetails, ServersSandbox, ServersSandboxShow, SecretsChanged, ServersSignIn,
	Approvals, ApprovalGet, Approve, Deny, PolicyList, PolicyReview, PolicyAccept, PolicySet,
	PolicyTrust, PolicyLimit, AuditRecent, AuditFlush,
	ConfigPending, ConfigConfirm, ConfigDiscard, ConfigExpect, SettingsGet, SettingsSet,
	SecretsList, SecretsSet, SecretsDelete,
	ClientsList, ClientsStatus, ClientsReconcile, ClientsSet, ClientsImport, ClientsRestore,
	KubeContexts, KubeUse, KubeForget,
	CatalogList, CatalogPlan, CatalogScan, CatalogOutdated, BundleOpen,
	Logs, Traffic, Events, ApprovalsWatch, Install, Update,
}

// ByName returns the description of the method called name, for the daemon's authority
// check and for tests; ok is false for a name no method has.
func ByName(name string) (d Description, ok bool) {
	for _, m := range All {
		if d := m.Describe(); d.Name == name {
			return d, true
		}
	}
	return Description{}, false
}
