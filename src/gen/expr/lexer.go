package expr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokNumber
	tokString
	tokIdent    // bare identifier or keyword
	tokQuoted   // `backtick quoted` column name
	tokOp       // operator or punctuation
	tokBadInput // a character the language does not use
)

// token is one lexical unit. pos is the byte offset of its first byte in
// the source.
type token struct {
	kind tokKind
	text string // operator text, identifier, number text, or unquoted string value
	pos  int
}

// lexer splits source code into tokens. It never fails: problems are
// reported as tokBadInput tokens or as errors from next.
type lexer struct {
	src string
	off int
}

// operators lists the multi- and single-character operators, longest first.
var operators = []string{
	"**", "//", "<=", ">=", "==", "!=", "<>", "&&", "||",
	"+", "-", "*", "/", "%", "<", ">", "(", ")", "[", "]", ",", "&", "|", "~", "^", "=", ".", "@", "!", "?", ":", "{", "}", ";",
}

// next returns the next token, or an error for a malformed literal.
func (l *lexer) next() (token, error) {
	for l.off < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.off:])
		if !unicode.IsSpace(r) {
			break
		}
		l.off += size
	}
	if l.off >= len(l.src) {
		return token{kind: tokEOF, pos: l.off}, nil
	}
	start := l.off
	c := l.src[l.off]
	switch {
	case c >= '0' && c <= '9' || c == '.' && l.off+1 < len(l.src) && isDigit(l.src[l.off+1]):
		return l.number()
	case c == '\'' || c == '"':
		return l.str(c)
	case c == '`':
		end := strings.IndexByte(l.src[l.off+1:], '`')
		if end < 0 {
			return token{}, errorf(l.src, start, "unterminated `quoted` column name")
		}
		name := l.src[l.off+1 : l.off+1+end]
		l.off += end + 2
		if strings.TrimSpace(name) == "" {
			return token{}, errorf(l.src, start, "empty `quoted` column name")
		}
		return token{kind: tokQuoted, text: name, pos: start}, nil
	}
	r, size := utf8.DecodeRuneInString(l.src[l.off:])
	if isIdentStart(r) {
		l.off += size
		for l.off < len(l.src) {
			r, size := utf8.DecodeRuneInString(l.src[l.off:])
			if !isIdentStart(r) && !unicode.IsDigit(r) {
				break
			}
			l.off += size
		}
		return token{kind: tokIdent, text: l.src[start:l.off], pos: start}, nil
	}
	for _, op := range operators {
		if strings.HasPrefix(l.src[l.off:], op) {
			l.off += len(op)
			return token{kind: tokOp, text: op, pos: start}, nil
		}
	}
	l.off += size
	return token{kind: tokBadInput, text: l.src[start:l.off], pos: start}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

// number scans a decimal integer or float literal (digits may be grouped
// with underscores as in Python: 1_000).
func (l *lexer) number() (token, error) {
	start := l.off
	digits := func() {
		for l.off < len(l.src) && (isDigit(l.src[l.off]) || l.src[l.off] == '_') {
			l.off++
		}
	}
	digits()
	if l.off < len(l.src) && l.src[l.off] == '.' {
		l.off++
		digits()
	}
	if l.off < len(l.src) && (l.src[l.off] == 'e' || l.src[l.off] == 'E') {
		l.off++
		if l.off < len(l.src) && (l.src[l.off] == '+' || l.src[l.off] == '-') {
			l.off++
		}
		if l.off >= len(l.src) || !isDigit(l.src[l.off]) {
			return token{}, errorf(l.src, start, "malformed number %q", l.src[start:l.off])
		}
		digits()
	}
	if l.off < len(l.src) {
		if r, _ := utf8.DecodeRuneInString(l.src[l.off:]); isIdentStart(r) || r == '.' {
			return token{}, errorf(l.src, start, "malformed number %q", l.src[start:l.off+1])
		}
	}
	return token{kind: tokNumber, text: l.src[start:l.off], pos: start}, nil
}

// str scans a single- or double-quoted string with backslash escapes
// \\ \' \" \n \t \r.
func (l *lexer) str(quote byte) (token, error) {
	start := l.off
	l.off++
	var b strings.Builder
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == quote:
			l.off++
			return token{kind: tokString, text: b.String(), pos: start}, nil
		case c == '\\':
			if l.off+1 >= len(l.src) {
				return token{}, errorf(l.src, start, "unterminated string")
			}
			e := l.src[l.off+1]
			switch e {
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				return token{}, errorf(l.src, l.off, "unknown escape \\%c in string", e)
			}
			l.off += 2
		default:
			b.WriteByte(c)
			l.off++
		}
	}
	return token{}, errorf(l.src, start, "unterminated string")
}
