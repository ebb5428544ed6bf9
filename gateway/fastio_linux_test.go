package gateway

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func fastPipe(t *testing.T) (r, w *os.File, fr, fw *fastFile) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	fr, fw = fastOf(r), fastOf(w)
	if fr == nil || fw == nil {
		t.Fatal("os.Pipe's files are non-blocking and watched by the poller, but fastOf refused them")
	}
	return r, w, fr, fw
}

// A message larger than a pipe holds makes the writer wait in the poller for the reader, and
// the reader wait for the writer: every byte arrives, in order.
func TestFastFileCarriesMoreThanAPipeHolds(t *testing.T) {
	_, w, fr, fw := fastPipe(t)
	msg := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, 16 pipe buffers
	errc := make(chan error, 1)
	go func() {
		_, err := fw.Write(msg)
		w.Close()
		errc <- err
	}()
	got, err := io.ReadAll(fr)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("read %d bytes, not the %d written", len(got), len(msg))
	}
}

// Closing the file ends a read waiting for data, as with the file's own Read.
func TestFastFileReadEndsWhenClosed(t *testing.T) {
	r, _, fr, _ := fastPipe(t)
	errc := make(chan error, 1)
	go func() {
		_, err := fr.Read(make([]byte, 10))
		errc <- err
	}()
	r.Close()
	if err := <-errc; !errors.Is(err, os.ErrClosed) {
		t.Fatalf("a read waiting when the file closed returned %v, want os.ErrClosed", err)
	}
}

// A writer whose reader is gone gets EPIPE, and the daemon lives on.
func TestFastFileWriteToAGoneReader(t *testing.T) {
	r, _, _, fw := fastPipe(t)
	r.Close()
	if _, err := fw.Write([]byte("x\n")); !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("writing to a pipe without a reader returned %v, want EPIPE", err)
	}
}

// A blocking descriptor (a regular file) is not read raw: that would stall a thread.
func TestFastOfRefusesBlockingFiles(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fastOf(f) != nil {
		t.Fatal("fastOf took a regular file")
	}
	if fastOf(bytes.NewReader(nil)) != nil {
		t.Fatal("fastOf took something that is not a file")
	}
}

// The relay over real pipes (the daemon's case, where it takes the raw path): requests reach
// the server, answers larger than a pipe holds reach the client whole, and the session ends
// when the client closes its side.
func TestRelayOverPipes(t *testing.T) {
	pipe := func() (*os.File, *os.File) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		return r, w
	}
	cInR, cInW := pipe()   // client → relay
	cOutR, cOutW := pipe() // relay → client
	sInR, sInW := pipe()   // relay → server
	sOutR, sOutW := pipe() // server → relay
	big := string(bytes.Repeat([]byte("a"), 300<<10))
	go func() { // the server answers every request with a large text
		lr := newLineReader(bufio.NewReader(sInR), 0)
		for {
			line, _, err := lr.next()
			if err != nil {
				sOutW.Close()
				return
			}
			_, env, _ := classify(line)
			sOutW.Write([]byte(`{"jsonrpc":"2.0","id":` + string(env.ID) + `,"result":{"content":[{"type":"text","text":"` + big + `"}]}}` + "\n"))
		}
	}()
	done := make(chan error, 1)
	go func() {
		done <- Relay(context.Background(), &Session{ID: "s", Server: "pipes"}, cOutW, bufio.NewReader(RawIO(cInR)),
			Upstream{Stdin: sInW, Stdout: sOutR, Stop: func() error { sInW.Close(); return nil }}, Options{})
	}()
	answers := bufio.NewReaderSize(cOutR, 1<<20)
	for i := range 3 {
		fmt.Fprintf(cInW, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{}}}`+"\n", i)
		line, err := answers.ReadBytes('\n')
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"result":`, i); !bytes.HasPrefix(line, []byte(want)) || !bytes.Contains(line, []byte(big)) {
			t.Fatalf("answer %d is %d bytes starting %.60s, want the server's whole answer", i, len(line), line)
		}
	}
	cInW.Close()
	if err := <-done; err != nil {
		t.Fatalf("the client ended the session, but Relay returned %v", err)
	}
}

// The TypeScript SDK's client (node, libuv) gives its server a socket pair as stdin, not a
// pipe; the daemon receives it over SCM_RIGHTS and makes it non-blocking (control.parseRights),
// then reads it through RawIO. That socket is read raw, ends with io.EOF when the client
// closes its side, and a read waiting when the daemon closes it ends.
func TestRawIOReadsAClientSocket(t *testing.T) {
	socket := func() (*os.File, int) {
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.SetNonblock(fds[0], true); err != nil {
			t.Fatal(err)
		}
		f := os.NewFile(uintptr(fds[0]), "client-stdio")
		t.Cleanup(func() { f.Close(); syscall.Close(fds[1]) })
		return f, fds[1]
	}

	f, peer := socket()
	in, ok := RawIO(f).(*fastFile)
	if !ok {
		t.Fatalf("RawIO gave %T for a non-blocking socket, want the raw reader", RawIO(f))
	}
	msg := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}` + "\n")
	if _, err := syscall.Write(peer, msg); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(in).ReadBytes('\n')
	if err != nil || !bytes.Equal(line, msg) {
		t.Fatalf("read %q, %v; want the client's message", line, err)
	}
	syscall.Close(peer)
	if n, err := in.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Fatalf("after the client closed its side, Read gave %d, %v; want 0, io.EOF", n, err)
	}

	f2, _ := socket()
	in2 := RawIO(f2)
	errc := make(chan error, 1)
	go func() {
		_, err := in2.Read(make([]byte, 10))
		errc <- err
	}()
	f2.Close()
	if err := <-errc; !errors.Is(err, os.ErrClosed) {
		t.Fatalf("a read waiting when the socket closed returned %v, want os.ErrClosed", err)
	}
}
