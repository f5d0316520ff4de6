package dsl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// jkind is the kind of a JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// maxDepth bounds the nesting of arrays and objects.
const maxDepth = 256

// jvalue is one node of a parsed JSON document. Objects keep their members
// in document order; a key given twice keeps its last value and is listed in
// dups.
type jvalue struct {
	kind jkind
	b    bool
	num  json.Number
	str  string
	arr  []*jvalue
	obj  []jmember
	dups []string
}

// jmember is one key of an object.
type jmember struct {
	key string
	val *jvalue
}

// get returns the value of key k, or nil.
func (v *jvalue) get(k string) *jvalue {
	if v == nil || v.kind != jObject {
		return nil
	}
	for _, m := range v.obj {
		if m.key == k {
			return m.val
		}
	}
	return nil
}

// describe names the value for error messages: `number 5.5`, `string "x"`.
func (v *jvalue) describe() string {
	if v == nil {
		return "nothing"
	}
	switch v.kind {
	case jNull:
		return "null"
	case jBool:
		return strconv.FormatBool(v.b)
	case jNumber:
		return "number " + v.num.String()
	case jString:
		s := v.str
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return "string " + strconv.Quote(s)
	case jArray:
		return "an array"
	default:
		return "an object"
	}
}

// parseJSON parses data into a tree. Syntax errors are returned as
// *SyntaxError with the line and column where parsing stopped.
func parseJSON(data []byte) (*jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := &jparser{dec: dec, data: data}
	v, err := p.value(0)
	if err != nil {
		return nil, p.syntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("unexpected data after the top-level value")
		}
		return nil, p.syntax(err)
	}
	return v, nil
}

type jparser struct {
	dec  *json.Decoder
	data []byte
}

// syntax converts a decoder error into a *SyntaxError.
func (p *jparser) syntax(err error) error {
	off := p.dec.InputOffset()
	msg := err.Error()
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// The decoder's offsets are not always absolute; a full scan of
		// the input gives the absolute position of the first bad byte.
		var raw json.RawMessage
		if errors.As(json.Unmarshal(p.data, &raw), &se) {
			off = se.Offset
			if off > 0 && off <= int64(len(p.data)) {
				off-- // Offset counts the offending byte
			}
		}
		msg = se.Error()
		if strings.HasPrefix(msg, "unexpected end") {
			off = int64(len(p.data))
			msg = "unexpected end of input"
		}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		off = int64(len(p.data))
		msg = "unexpected end of input"
	default:
		var raw json.RawMessage
		if errors.As(json.Unmarshal(p.data, &raw), &se) && strings.Contains(se.Error(), "after top-level value") {
			off, msg = se.Offset-1, "unexpected data after the top-level value"
		}
	}
	line, col := lineCol(p.data, off)
	return &SyntaxError{Line: line, Column: col, Offset: off, Msg: msg}
}

// lineCol converts a byte offset into a 1-based line and column (columns
// count bytes).
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

func (p *jparser) value(depth int) (*jvalue, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	return p.fromToken(tok, depth)
}

func (p *jparser) fromToken(tok json.Token, depth int) (*jvalue, error) {
	switch t := tok.(type) {
	case nil:
		return &jvalue{kind: jNull}, nil
	case bool:
		return &jvalue{kind: jBool, b: t}, nil
	case json.Number:
		return &jvalue{kind: jNumber, num: t}, nil
	case string:
		return &jvalue{kind: jString, str: t}, nil
	case json.Delim:
		if depth >= maxDepth {
			return nil, fmt.Errorf("nesting deeper than %d levels", maxDepth)
		}
		switch t {
		case '[':
			v := &jvalue{kind: jArray, arr: []*jvalue{}}
			for p.dec.More() {
				e, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, e)
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		case '{':
			v := &jvalue{kind: jObject}
			var seen map[string]int
			for p.dec.More() {
				kt, err := p.dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				e, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				if i, ok := seen[k]; ok {
					v.obj[i].val = e
					if !containsStr(v.dups, k) {
						v.dups = append(v.dups, k)
					}
					continue
				}
				if seen == nil {
					seen = make(map[string]int)
				}
				seen[k] = len(v.obj)
				v.obj = append(v.obj, jmember{key: k, val: e})
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// toAny converts a tree into plain Go values: map[string]any, []any,
// float64, string, bool and nil. Duplicate keys are reported at path.
func (r *reporter) toAny(v *jvalue, path string) any {
	switch v.kind {
	case jNull:
		return nil
	case jBool:
		return v.b
	case jNumber:
		f, err := strconv.ParseFloat(v.num.String(), 64)
		if err != nil {
			r.errorf(path, "", "number %s is out of range", v.num)
		}
		return f
	case jString:
		return v.str
	case jArray:
		out := make([]any, len(v.arr))
		for i, e := range v.arr {
			out[i] = r.toAny(e, index(path, i))
		}
		return out
	default:
		r.reportDups(v, path)
		out := make(map[string]any, len(v.obj))
		for _, m := range v.obj {
			out[m.key] = r.toAny(m.val, key(path, m.key))
		}
		return out
	}
}

// reportDups reports the keys given twice in object v.
func (r *reporter) reportDups(v *jvalue, path string) {
	for _, k := range v.dups {
		r.errorf(key(path, k), "remove one of them", "key %q is given more than once", k)
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// quoteList renders names as "a", "b", "c".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
