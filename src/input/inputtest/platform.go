// Package inputtest holds test helpers for the readers of user input.
package inputtest

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"

	"datagen/src/input"
)

// objectKeys are the top-level keys of config.json that the platform writes
// as {} when they are empty (Keboola docker-bundle, Configuration\Adapter::
// normalizeConfig); every other empty object is written as [].
var objectKeys = map[string]bool{"storage": true, "parameters": true, "image_parameters": true, "authorization": true}

// PlatformConfig returns config as the Keboola platform writes it into a
// component's data folder. The platform stores configurations as PHP
// arrays, which cannot tell an object from a list: json_decode into an
// array and json_encode back turns every empty object into [] and every
// object whose keys are "0", "1", ... in order into a list; only the
// top-level keys storage, parameters, image_parameters and authorization
// are normalised back to {}. Strings are written as PHP writes them, with
// "/" and every non-ASCII character escaped, and the output is indented
// with four spaces (JSON_PRETTY_PRINT).
func PlatformConfig(config []byte) ([]byte, error) {
	root, err := input.Parse(config)
	if err != nil {
		return nil, err
	}
	if root.Kind != input.ObjectKind {
		return nil, fmt.Errorf("config.json must be an object, got %s", root.Describe())
	}
	var b bytes.Buffer
	b.WriteString("{")
	for i, m := range root.Obj {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		writeString(&b, m.Key)
		b.WriteString(": ")
		if objectKeys[m.Key] && m.Val.IsObject() && len(m.Val.Obj) == 0 {
			b.WriteString("{}")
			continue
		}
		write(&b, m.Val, 1)
	}
	if len(root.Obj) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// PlatformState returns a component state as the platform writes it into
// in/state.json: converted like PlatformConfig, but with nothing normalised
// back (Keboola docker-bundle, ComponentState\Adapter), so that the empty
// state of a first run is [].
func PlatformState(state []byte) ([]byte, error) {
	root, err := input.Parse(state)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	write(&b, root, 0)
	return b.Bytes(), nil
}

// isList reports whether the keys of an object are "0", "1", ... in order:
// PHP keeps such an array as a list.
func isList(v *input.Value) bool {
	for i, m := range v.Obj {
		if m.Key != strconv.Itoa(i) {
			return false
		}
	}
	return true
}

func write(b *bytes.Buffer, v *input.Value, depth int) {
	switch v.Kind {
	case input.NullKind:
		b.WriteString("null")
	case input.BoolKind:
		b.WriteString(strconv.FormatBool(v.Bool))
	case input.NumberKind:
		b.WriteString(v.Num.String())
	case input.StringKind:
		writeString(b, v.Str)
	case input.ArrayKind:
		writeList(b, v.Arr, depth)
	case input.ObjectKind:
		if isList(v) { // the empty object included
			vals := make([]*input.Value, len(v.Obj))
			for i, m := range v.Obj {
				vals[i] = m.Val
			}
			writeList(b, vals, depth)
			return
		}
		b.WriteString("{")
		for i, m := range v.Obj {
			if i > 0 {
				b.WriteString(",")
			}
			indent(b, depth+1)
			writeString(b, m.Key)
			b.WriteString(": ")
			write(b, m.Val, depth+1)
		}
		indent(b, depth)
		b.WriteString("}")
	}
}

func writeList(b *bytes.Buffer, vals []*input.Value, depth int) {
	if len(vals) == 0 {
		b.WriteString("[]")
		return
	}
	b.WriteString("[")
	for i, e := range vals {
		if i > 0 {
			b.WriteString(",")
		}
		indent(b, depth+1)
		write(b, e, depth+1)
	}
	indent(b, depth)
	b.WriteString("]")
}

func indent(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	for range depth {
		b.WriteString("    ")
	}
}

// writeString writes s as PHP's json_encode does by default.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '/':
			b.WriteString(`\/`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r >= utf8.RuneSelf:
			if r > 0xFFFF {
				r -= 0x10000
				fmt.Fprintf(b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
