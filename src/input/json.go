package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Kind is the kind of a JSON value.
type Kind uint8

// The kinds of JSON values.
const (
	NullKind Kind = iota
	BoolKind
	NumberKind
	StringKind
	ArrayKind
	ObjectKind
)

// maxDepth bounds the nesting of arrays and objects.
const maxDepth = 256

// Value is one node of a parsed JSON document. Objects keep their members
// in document order; a key given twice keeps its last value and is listed
// in Dups.
type Value struct {
	Kind Kind
	Bool bool
	Num  json.Number
	Str  string
	Arr  []*Value
	Obj  []Member
	Dups []string
	// Raw is the document text of an array or object, as written.
	Raw []byte
}

// Member is one key of an object.
type Member struct {
	Key string
	Val *Value
}

// IsObject reports whether v can be read as an object: an object, or an
// empty array. Keboola stores configurations as PHP arrays, which cannot
// tell an empty object from an empty list, so every nested {} of a
// configuration reaches the component as []; an empty array is therefore
// read as an empty object wherever an object is expected.
func (v *Value) IsObject() bool {
	return v != nil && (v.Kind == ObjectKind || v.Kind == ArrayKind && len(v.Arr) == 0)
}

// IsMap reports whether v can be read as a map with keys chosen by the
// user (MapMembers): an object or an array.
func (v *Value) IsMap() bool {
	return v != nil && (v.Kind == ObjectKind || v.Kind == ArrayKind)
}

// MapMembers returns the members of a map with keys chosen by the user
// (map_values' mapping, a join's column pairs): an object's members, or an
// array's elements keyed "0", "1", ... Keboola stores configurations as PHP
// arrays, and PHP writes an object whose keys are "0", "1", ... in order as
// a list, so {"0": "no", "1": "yes"} reaches the component as
// ["no", "yes"]. It returns nil for anything else.
func (v *Value) MapMembers() []Member {
	switch {
	case v == nil:
		return nil
	case v.Kind == ObjectKind:
		return v.Obj
	case v.Kind == ArrayKind:
		ms := make([]Member, len(v.Arr))
		for i, e := range v.Arr {
			ms[i] = Member{Key: strconv.Itoa(i), Val: e}
		}
		return ms
	}
	return nil
}

// Get returns the value of key k of an object, or nil (also when v is not
// an object).
func (v *Value) Get(k string) *Value {
	if v == nil || v.Kind != ObjectKind {
		return nil
	}
	for _, m := range v.Obj {
		if m.Key == k {
			return m.Val
		}
	}
	return nil
}

// Keys returns the keys of an object in document order.
func (v *Value) Keys() []string {
	if v == nil || v.Kind != ObjectKind {
		return nil
	}
	ks := make([]string, len(v.Obj))
	for i, m := range v.Obj {
		ks[i] = m.Key
	}
	return ks
}

// SortedKeys returns the keys of an object in sorted order.
func (v *Value) SortedKeys() []string {
	ks := v.Keys()
	slices.Sort(ks)
	return ks
}

// Describe names the value for error messages: `number 5.5`, `string "x"`,
// `an array`.
func (v *Value) Describe() string {
	if v == nil {
		return "nothing"
	}
	switch v.Kind {
	case NullKind:
		return "null"
	case BoolKind:
		return strconv.FormatBool(v.Bool)
	case NumberKind:
		return "number " + v.Num.String()
	case StringKind:
		s := v.Str
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return "string " + strconv.Quote(s)
	case ArrayKind:
		return "an array"
	default:
		return "an object"
	}
}

// SyntaxError is a JSON syntax error with its position in the input.
type SyntaxError struct {
	Line, Column int // 1-based
	Offset       int64
	Msg          string
}

// Error renders the error as "invalid JSON at line L, column C: message".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// UserFault reports true: the input is not JSON.
func (e *SyntaxError) UserFault() bool { return true }

// Parse parses data into a tree. Syntax errors are returned as
// *SyntaxError with the line and column where parsing stopped.
func Parse(data []byte) (*Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := &parser{dec: dec, data: data}
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

type parser struct {
	dec  *json.Decoder
	data []byte
}

// syntax converts a decoder error into a *SyntaxError.
func (p *parser) syntax(err error) error {
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

func (p *parser) value(depth int) (*Value, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	return p.fromToken(tok, depth)
}

func (p *parser) fromToken(tok json.Token, depth int) (*Value, error) {
	switch t := tok.(type) {
	case nil:
		return &Value{Kind: NullKind}, nil
	case bool:
		return &Value{Kind: BoolKind, Bool: t}, nil
	case json.Number:
		return &Value{Kind: NumberKind, Num: t}, nil
	case string:
		return &Value{Kind: StringKind, Str: t}, nil
	case json.Delim:
		if depth >= maxDepth {
			return nil, fmt.Errorf("nesting deeper than %d levels", maxDepth)
		}
		start := p.dec.InputOffset() - 1 // the delimiter just read
		switch t {
		case '[':
			v := &Value{Kind: ArrayKind, Arr: []*Value{}}
			for p.dec.More() {
				e, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.Arr = append(v.Arr, e)
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, err
			}
			v.Raw = p.data[start:p.dec.InputOffset()]
			return v, nil
		case '{':
			v := &Value{Kind: ObjectKind}
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
					v.Obj[i].Val = e
					if !slices.Contains(v.Dups, k) {
						v.Dups = append(v.Dups, k)
					}
					continue
				}
				if seen == nil {
					seen = make(map[string]int)
				}
				seen[k] = len(v.Obj)
				v.Obj = append(v.Obj, Member{Key: k, Val: e})
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, err
			}
			v.Raw = p.data[start:p.dec.InputOffset()]
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}
