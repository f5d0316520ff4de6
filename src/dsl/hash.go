package dsl

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"weak"

	"datagen/src/input"
)

// hashes remembers the canonical hash of every Schema returned by Parse,
// keyed by a weak pointer so that the entry goes away with the Schema.
var hashes sync.Map // weak.Pointer[Schema] -> string

func rememberHash(s *Schema, h string) {
	wp := weak.Make(s)
	hashes.Store(wp, h)
	runtime.AddCleanup(s, func(k weak.Pointer[Schema]) { hashes.Delete(k) }, wp)
}

// Hash returns the hex SHA-256 of the canonical JSON form of the document
// the schema was parsed from: object keys sorted, no insignificant
// whitespace, numbers in shortest form. It does not change with
// formatting or key order, and changes with any value. For a Schema not
// returned by Parse or Load (built in code, or a copy) it hashes the
// canonical JSON encoding of the Go value instead ("" if that value holds
// something JSON cannot encode).
func (s *Schema) Hash() string {
	if h, ok := hashes.Load(weak.Make(s)); ok {
		return h.(string)
	}
	b, err := json.Marshal(s)
	if err != nil {
		// Only values placed in Metadata.Extra or the behaviour blocks by
		// code, not by Parse, can fail to encode.
		return ""
	}
	root, err := input.Parse(b)
	if err != nil {
		return ""
	}
	return canonicalHash(root)
}

// CanonicalJSON returns the canonical form of a JSON document: object keys
// sorted by code point (a repeated key keeps its last value), no
// insignificant whitespace, strings escaped as encoding/json does without
// HTML escaping, numbers in their shortest round-trip form (5.0 → 5).
func CanonicalJSON(data []byte) ([]byte, error) {
	root, err := input.Parse(data)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	writeCanonical(&buf, root)
	return buf.Bytes(), nil
}

// withoutMember returns object v without its member k (v itself when it
// has none), so that the editor's "$schema" does not enter the hash.
func withoutMember(v *input.Value, k string) *input.Value {
	if v.Get(k) == nil {
		return v
	}
	c := *v
	c.Obj = slices.DeleteFunc(slices.Clone(v.Obj), func(m input.Member) bool { return m.Key == k })
	return &c
}

func canonicalHash(root *input.Value) string {
	var buf bytes.Buffer
	writeCanonical(&buf, root)
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

func writeCanonical(buf *bytes.Buffer, v *input.Value) {
	switch v.Kind {
	case input.NullKind:
		buf.WriteString("null")
	case input.BoolKind:
		buf.WriteString(strconv.FormatBool(v.Bool))
	case input.NumberKind:
		buf.WriteString(canonicalNumber(v.Num.String()))
	case input.StringKind:
		writeString(buf, v.Str)
	case input.ArrayKind:
		buf.WriteByte('[')
		for i, e := range v.Arr {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeCanonical(buf, e)
		}
		buf.WriteByte(']')
	case input.ObjectKind:
		members := slices.Clone(v.Obj)
		slices.SortFunc(members, func(a, b input.Member) int {
			switch {
			case a.Key < b.Key:
				return -1
			case a.Key > b.Key:
				return 1
			}
			return 0
		})
		buf.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, m.Key)
			buf.WriteByte(':')
			writeCanonical(buf, m.Val)
		}
		buf.WriteByte('}')
	}
}

// writeString writes s as a JSON string, escaping only what JSON requires:
// the quote, the backslash and control characters.
func writeString(buf *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		buf.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			buf.WriteByte('\\')
			buf.WriteByte(c)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		default:
			buf.WriteString(`\u00`)
			buf.WriteByte(hexDigits[c>>4])
			buf.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// canonicalNumber renders a number literal in one form per value: integers
// in plain decimal, others in Go's shortest round-trip form.
func canonicalNumber(lit string) string {
	if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return strconv.FormatInt(n, 10)
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) {
		return lit
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
