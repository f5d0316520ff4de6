package storage

import (
	"iter"
	"strings"
)

// splitSemicolons yields the non-empty ';'-separated parts of s.
func splitSemicolons(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for p := range strings.SplitSeq(s, ";") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if !yield(p) {
				return
			}
		}
	}
}

// cutEq splits "key=value" at the first '=' (values may contain '=').
func cutEq(s string) (k, v string, ok bool) {
	k, v, ok = strings.Cut(s, "=")
	return strings.TrimSpace(k), strings.TrimSpace(v), ok
}

// trimRightSlash removes trailing slashes.
func trimRightSlash(s string) string { return strings.TrimRight(s, "/") }
