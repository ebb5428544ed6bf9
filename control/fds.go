package control

import (
	"bytes"
	"io"
	"os"
)

// Exit is the last line the daemon sends a bridge that passed its stdio: how the relay ended.
type Exit struct {
	Code    int    `json:"exit"`
	Message string `json:"message,omitempty"`
}

func indexNewline(b []byte) int { return bytes.IndexByte(b, '\n') }

// io2 reads first the bytes already received, then the connection.
func io2(first []byte, rest io.Reader) io.Reader {
	return io.MultiReader(bytes.NewReader(append([]byte(nil), first...)), rest)
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
