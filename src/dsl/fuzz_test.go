package dsl

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the decoder in both modes: it must
// never panic, and its results must be consistent.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(baseSchema))
	f.Add([]byte(`{"version": "1.0", "nodes": [{"id": "a", "kind": "vocab", "columns": [{"name": "x"}]}], "dag": [["a", "a"]]}`))
	f.Add([]byte(`{"a": [1, {"b": null}], "a": 2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		strictOK := false
		for _, lenient := range []bool{false, true} {
			s, warns, err := Parse(data, Options{Lenient: lenient})
			for _, w := range warns {
				if !w.Warning || w.Message == "" {
					t.Fatalf("bad warning %+v", w)
				}
			}
			if err == nil {
				if s == nil {
					t.Fatal("nil schema without error")
				}
				if len(s.Hash()) != 64 {
					t.Fatal("no hash")
				}
				if !lenient {
					strictOK = true
				}
				continue
			}
			if s != nil {
				t.Fatal("schema returned with an error")
			}
			if lenient && strictOK {
				t.Fatalf("strict accepted what lenient rejected: %v", err)
			}
			var ps Problems
			var se *SyntaxError
			switch {
			case errors.As(err, &ps):
				if len(ps) == 0 {
					t.Fatal("empty Problems")
				}
				for _, p := range ps {
					if p.Warning || p.Message == "" {
						t.Fatalf("bad error %+v", p)
					}
				}
			case errors.As(err, &se):
				if se.Line < 1 || se.Column < 1 {
					t.Fatalf("bad position %+v", se)
				}
			default:
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
		}
	})
}
