package expr

import (
	"fmt"
	"slices"

	"datagen/src/input"
)

// Error is a problem in the source code of an expression, with its
// position. Line and Col are 1-based; Col counts characters (runes), not
// bytes.
type Error struct {
	Line, Col int
	Msg       string
}

// Error formats the error as "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// errorf builds an Error at byte offset off of src.
func errorf(src string, off int, format string, args ...any) *Error {
	if off > len(src) {
		off = len(src)
	}
	line, col := 1, 1
	for _, r := range src[:off] {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &Error{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// suggest returns the candidate closest to name (see input.Closest), or
// "" when none is close enough to be a plausible typo.
func suggest(name string, candidates []string) string {
	sorted := slices.Clone(candidates)
	slices.Sort(sorted)
	return input.Closest(name, sorted)
}

// didYouMean formats a suggestion suffix, or "" without one.
func didYouMean(name string, candidates []string) string {
	if s := suggest(name, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %s?)", quoteName(s))
	}
	return ""
}

// quoteName renders a column name as it would be written in code.
func quoteName(s string) string {
	if isPlainIdent(s) {
		return fmt.Sprintf("%q", s)
	}
	return "`" + s + "`"
}

func isPlainIdent(s string) bool {
	if s == "" || keywords[s] {
		return false
	}
	for i, r := range s {
		if !isIdentStart(r) && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}
