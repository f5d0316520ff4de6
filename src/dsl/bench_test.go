package dsl

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"simple_users_events.json", "test_patterns.json"} {
		data, err := os.ReadFile(filepath.Join(examplesDir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Parse(data, Options{Lenient: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
