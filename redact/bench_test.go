package redact

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// logLine4K is a 4 KB log line holding, when there are secrets, one
// occurrence of each of the first three of them.
func logLine4K(secrets map[string]string) []byte {
	var b strings.Builder
	i := 0
	for b.Len() < 4096-120 {
		fmt.Fprintf(&b, "2026-11-21T16:48:%02d.123Z DEBUG http request method=GET url=https://api.example.com/v1/items?page=%d status=200 ", i%60, i)
		if v, ok := secrets[fmt.Sprintf("SECRET_%d", i)]; ok && i < 3 {
			fmt.Fprintf(&b, "auth=%s ", v)
		}
		i++
	}
	for b.Len() < 4095 {
		b.WriteByte('.')
	}
	b.WriteByte('\n')
	return []byte(b.String())
}

func secretsN(n int) map[string]string {
	m := make(map[string]string, n)
	for i := range n {
		m[fmt.Sprintf("SECRET_%d", i)] = fmt.Sprintf("sk-%02d-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e", i)
	}
	return m
}

func BenchmarkRedact4KLine(b *testing.B) {
	for _, n := range []int{0, 10, 100} {
		b.Run(fmt.Sprintf("%d-secrets", n), func(b *testing.B) {
			secrets := secretsN(n)
			r := New(secrets)
			line := logLine4K(secrets)
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				r.Redact(line)
			}
		})
	}
}

func BenchmarkWriter4KLine(b *testing.B) {
	for _, n := range []int{0, 10} {
		b.Run(fmt.Sprintf("%d-secrets", n), func(b *testing.B) {
			secrets := secretsN(n)
			w := NewWriter(io.Discard, New(secrets))
			line := logLine4K(secrets)
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.Write(line); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSet10Secrets(b *testing.B) {
	secrets := secretsN(10)
	var r Redactor
	b.ReportAllocs()
	for b.Loop() {
		r.Set(secrets)
	}
}
