package keychain

import (
	"fmt"
	"testing"
)

// BenchmarkGetAllFiveSecrets measures reading a server's five secrets, as the
// supervisor does before each spawn, from the real Secret Service and, for
// comparison, from memory.
func BenchmarkGetAllFiveSecrets(b *testing.B) {
	keys := []string{"API_KEY", "API_SECRET", "ACCOUNT_ID", "REGION", "WEBHOOK_TOKEN"}
	for _, bc := range []struct {
		name  string
		store func(testing.TB) Store
	}{
		{"secret-service", secretService},
		{"memory", func(testing.TB) Store { return NewMemory() }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := bc.store(b)
			server := uniqueServer()("bench")
			for i, k := range keys {
				mustSet(b, s, server, k, fmt.Sprintf("value-%d-of-a-typical-token-length-0123456789", i))
			}
			for b.Loop() {
				values, err := GetAll(b.Context(), s, server, keys)
				if err != nil || len(values) != len(keys) {
					b.Fatalf("GetAll = %d values, %v", len(values), err)
				}
			}
		})
	}
}
