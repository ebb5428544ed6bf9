package policy

import (
	"encoding/json"
	"testing"
)

// BenchmarkScanDefinition scans every tool of the corpus (real and poisoned, both splits) per
// iteration and reports the mean time per tool and the slowest tool's time; the target of
// issue #24 is under 5 ms per tool.
func BenchmarkScanDefinition(b *testing.B) {
	var tools []json.RawMessage
	for _, c := range loadReal(b) {
		tools = append(tools, c.Tool)
	}
	for _, c := range loadPoisoned(b) {
		tools = append(tools, c.Tool)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, t := range tools {
			ScanDefinition(t)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(tools))/1e6, "ms/tool")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkScanLargestTool scans the largest tool definition of the corpus.
func BenchmarkScanLargestTool(b *testing.B) {
	var largest json.RawMessage
	for _, c := range loadReal(b) {
		if len(c.Tool) > len(largest) {
			largest = c.Tool
		}
	}
	b.SetBytes(int64(len(largest)))
	for b.Loop() {
		ScanDefinition(largest)
	}
}
