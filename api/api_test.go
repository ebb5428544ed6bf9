//go:build !windows

package api

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/socket"
	"github.com/mcptray/mcptray/supervisor"
)

// serve runs srv on a real socket in a temporary folder until the test ends and returns a
// client of it.
func serve(t *testing.T, srv *control.Server) *control.Client {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.sock")
	l, err := socket.Listen(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &control.Client{Path: path}
}

func TestCallRoundTripsTypedParamsAndResult(t *testing.T) {
	srv := control.NewServer(nil)
	Handle(srv, Tools, func(_ context.Context, p NameParams) (ToolsResult, error) {
		return ToolsResult{Tools: []ToolInfo{{Name: p.Name + "/read", Description: "reads"}}}, nil
	})
	Handle(srv, Ping, func(context.Context, None) (PingResult, error) {
		return PingResult{Version: "test", Pid: 7}, nil
	})
	var got NameParams
	Handle(srv, Start, func(_ context.Context, p NameParams) (None, error) {
		got = p
		return None{}, nil
	})
	c := serve(t, srv)
	ctx := context.Background()

	tools, err := Call(ctx, c, Tools, NameParams{Name: "files"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ToolsResult{Tools: []ToolInfo{{Name: "files/read", Description: "reads"}}}, tools); diff != "" {
		t.Errorf("tools (-want +got):\n%s", diff)
	}
	ping, err := Call(ctx, c, Ping, None{})
	if err != nil || ping.Version != "test" || ping.Pid != 7 {
		t.Errorf("ping = %+v, %v", ping, err)
	}
	if _, err := Call(ctx, c, Start, NameParams{Name: "notes"}); err != nil || got.Name != "notes" {
		t.Errorf("start: got params %+v, err %v", got, err)
	}
}

func TestErrorsMatchTheirSentinelOnTheCallersSide(t *testing.T) {
	srv := control.NewServer(nil)
	const notFound = `There is no server named "nope" in MCP Tray.`
	const notFoundFormat = "There is no server named %q in MCP Tray."
	Handle(srv, Stop, func(_ context.Context, p NameParams) (None, error) {
		switch p.Name {
		case "nope":
			return None{}, Errorf(ErrNotFound, notFoundFormat, p.Name)
		case "wire":
			return None{}, &control.Error{Code: control.CodeNotFromPerson, Message: "Only you may do that."}
		case "wrapped":
			return None{}, errors.Join(Errorf(ErrAlreadyAnswered, "That call was answered already."))
		}
		return None{}, errors.New("The server did not stop.")
	})
	c := serve(t, srv)
	ctx := context.Background()
	for _, tc := range []struct {
		name, text string
		want       error
	}{
		{"nope", notFound, ErrNotFound},
		{"wire", "Only you may do that.", ErrNotFromPerson},
		{"wrapped", "That call was answered already.", ErrAlreadyAnswered},
		{"other", "The server did not stop.", ErrFailed},
	} {
		_, err := Call(ctx, c, Stop, NameParams{Name: tc.name})
		if !errors.Is(err, tc.want) || err.Error() != tc.text {
			t.Errorf("%s: err = %v, want %q matching %v", tc.name, err, tc.text, tc.want)
		}
		for _, other := range []error{ErrNotFound, ErrBadRequest, ErrFailed, ErrNotFromPerson, ErrInternal, ErrNeedsConfirmation, ErrAlreadyAnswered} {
			if other != tc.want && errors.Is(err, other) {
				t.Errorf("%s: err %v also matches %v", tc.name, err, other)
			}
		}
	}
}

func TestParamsThatDoNotDecodeNeverReachTheHandler(t *testing.T) {
	srv := control.NewServer(nil)
	reached := false
	Handle(srv, Stop, func(context.Context, NameParams) (None, error) {
		reached = true
		return None{}, nil
	})
	c := serve(t, srv)
	// A name that is a number: what an older or hostile caller might send.
	err := fromWire(c.Call(context.Background(), Stop.Name, map[string]int{"name": 3}, nil))
	if !errors.Is(err, ErrBadRequest) || err.Error() != "MCP Tray could not read the request's parameters." {
		t.Errorf("err = %v, want the bad-request sentence", err)
	}
	if reached {
		t.Error("the handler ran with params that did not decode")
	}
}

func TestStreamRoundTripsTypedEvents(t *testing.T) {
	srv := control.NewServer(nil)
	HandleStream(srv, Logs, func(_ context.Context, p LogsParams, send func(supervisor.Line) error) error {
		if p.Name != "files" {
			return Errorf(ErrNotFound, "There is no server named %q in MCP Tray.", p.Name)
		}
		for i := range p.Tail {
			if err := send(supervisor.Line{Seq: uint64(i + 1), Server: p.Name, Source: "stderr", Text: "line"}); err != nil {
				return err
			}
		}
		return nil
	})
	c := serve(t, srv)
	ctx := context.Background()
	var seqs []uint64
	err := OpenStream(ctx, c, Logs, LogsParams{Name: "files", Tail: 3}, func(l supervisor.Line) error {
		seqs = append(seqs, l.Seq)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]uint64{1, 2, 3}, seqs); diff != "" {
		t.Errorf("seqs (-want +got):\n%s", diff)
	}
	err = OpenStream(ctx, c, Logs, LogsParams{Name: "nope"}, func(supervisor.Line) error { return nil })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
	stop := errors.New("enough")
	err = OpenStream(ctx, c, Logs, LogsParams{Name: "files", Tail: 3}, func(supervisor.Line) error { return stop })
	if err != stop {
		t.Errorf("err = %v, want each's own error back", err)
	}
}

func TestEveryMethodIsListedOnceByName(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range All {
		d := m.Describe()
		if d.Name == "" || d.Doc == "" {
			t.Errorf("%+v: every method needs a name and a doc sentence", d)
		}
		if seen[d.Name] {
			t.Errorf("%s is listed twice", d.Name)
		}
		seen[d.Name] = true
		if d.Loosens == LoosensSometimes && d.LoosensWhen == "" {
			t.Errorf("%s loosens sometimes: say when (LoosensWhen)", d.Name)
		}
	}
}

// TestAllHoldsEveryDeclaredMethod reads this package's source: every package-level Method or
// Stream must be in All, or docs/app-api.md and the daemon's checks would miss it.
func TestAllHoldsEveryDeclaredMethod(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range All {
		listed[m.Describe().Name] = true
	}
	declared := 0
	for _, f := range pkgs["api"].Files {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, v := range vs.Values {
					lit, ok := v.(*ast.CompositeLit)
					if !ok {
						continue
					}
					idx, ok := lit.Type.(*ast.IndexListExpr)
					if !ok {
						continue
					}
					if id, ok := idx.X.(*ast.Ident); !ok || (id.Name != "Method" && id.Name != "Stream") {
						continue
					}
					declared++
					name := methodName(lit)
					if !listed[name] {
						t.Errorf("%s (%q) is declared but not in All", vs.Names[i].Name, name)
					}
				}
			}
		}
	}
	if declared != len(All) {
		t.Errorf("%d methods declared, %d in All", declared, len(All))
	}
}

// methodName is the Name field of a Method or Stream literal.
func methodName(lit *ast.CompositeLit) string {
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Name" {
			if b, ok := kv.Value.(*ast.BasicLit); ok {
				s, _ := strconv.Unquote(b.Value)
				return s
			}
		}
	}
	return ""
}

// TestAMethodTheDaemonDoesNotKnowIsErrUnknownMethod: a daemon answers a method it does not have
// with the code unknown_method; callers tell it apart with errors.Is(err, ErrUnknownMethod),
// and it still matches ErrBadRequest.
func TestAMethodTheDaemonDoesNotKnowIsErrUnknownMethod(t *testing.T) {
	c := serve(t, control.NewServer(nil))
	_, err := Call(context.Background(), c, ConfigPending, None{})
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != control.CodeUnknownMethod {
		t.Fatalf("err = %#v, want the code %s on the wire", err, control.CodeUnknownMethod)
	}
	if !errors.Is(err, ErrUnknownMethod) || !errors.Is(err, ErrBadRequest) || errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrUnknownMethod (and ErrBadRequest)", err)
	}
	if !strings.Contains(err.Error(), ConfigPending.Name) {
		t.Errorf("the sentence %q does not name the method", err)
	}
}

// TestAnOlderDaemonsUnknownMethodIsErrUnknownMethod: a daemon built before unknown_method sent
// bad_request and its sentence; a caller newer than the running daemon (after an update) still
// reads that as ErrUnknownMethod, and no other bad_request is.
func TestAnOlderDaemonsUnknownMethodIsErrUnknownMethod(t *testing.T) {
	srv := control.NewServer(nil)
	srv.Handle(ConfigPending.Name, func(context.Context, json.RawMessage) (any, error) {
		return nil, &control.Error{Code: control.CodeBadRequest, Message: `MCP Tray does not know the request "config.pending"; the running app may be older than this command — restart MCP Tray.`}
	})
	srv.Handle(ConfigDiscard.Name, func(context.Context, json.RawMessage) (any, error) {
		return nil, &control.Error{Code: control.CodeBadRequest, Message: "MCP Tray could not read the request."}
	})
	c := serve(t, srv)
	if _, err := Call(context.Background(), c, ConfigPending, None{}); !errors.Is(err, ErrUnknownMethod) || !errors.Is(err, ErrBadRequest) {
		t.Errorf("older daemon: err = %v, want ErrUnknownMethod (and ErrBadRequest)", err)
	}
	if _, err := Call(context.Background(), c, ConfigDiscard, None{}); errors.Is(err, ErrUnknownMethod) || !errors.Is(err, ErrBadRequest) {
		t.Errorf("other bad request: err = %v, want ErrBadRequest only", err)
	}
}

// TestOnlyThePersonMayLoosen pins which methods loosen (DESIGN.md, "Who may loosen"): the
// daemon refuses these from anyone but the person, reading Loosens from the declaration, so a
// declaration that lost its Loosens would let a server or an AI app approve its own call. A
// new method that loosens is added here on purpose.
func TestOnlyThePersonMayLoosen(t *testing.T) {
	want := map[string]Loosening{
		"approve": Loosens, "policy.accept": Loosens, "config.confirm": Loosens, "install": Loosens,
		"update": Loosens, "secrets.set": Loosens, "clients.restore": Loosens, "kube.forget": Loosens,
		"config.expect": LoosensSometimes, "policy.set": LoosensSometimes, "policy.trust": LoosensSometimes,
		"policy.limit": LoosensSometimes, "kube.use": LoosensSometimes, "clients.set": LoosensSometimes,
		"servers.enable": LoosensSometimes, "pause": LoosensSometimes, "clients.import": LoosensSometimes,
		"servers.sandbox": LoosensSometimes, "servers.signin": Loosens,
	}
	for _, m := range All {
		d := m.Describe()
		if d.Loosens != want[d.Name] {
			t.Errorf("%s: Loosens = %d, want %d", d.Name, d.Loosens, want[d.Name])
		}
		if d.Loosens != Tightens && !slices.Contains(d.Errors, ErrNotFromPerson) {
			t.Errorf("%s loosens but does not list ErrNotFromPerson", d.Name)
		}
		delete(want, d.Name)
	}
	for name := range want {
		t.Errorf("%s loosens but is not declared", name)
	}
}
