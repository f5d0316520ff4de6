package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// FlexInt is an integer that the API sends either as a JSON number or as a
// string ("123"); both decode to the same value.
type FlexInt int64

// UnmarshalJSON accepts a number, a numeric string, or null.
func (n *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) || len(b) == 0 {
		*n = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*n = 0
			return nil
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("expected an integer, got %q", s)
		}
		*n = FlexInt(v)
		return nil
	}
	var v json.Number
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	i, err := v.Int64()
	if err != nil {
		f, ferr := v.Float64()
		if ferr != nil {
			return fmt.Errorf("expected an integer, got %s", b)
		}
		i = int64(f)
	}
	*n = FlexInt(i)
	return nil
}

// FlexString is a string that the API sometimes sends as a number (ids).
type FlexString string

// UnmarshalJSON accepts a string, a number, or null.
func (s *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) || len(b) == 0 {
		*s = ""
		return nil
	}
	if b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = FlexString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("expected a string or number, got %s", b)
	}
	*s = FlexString(n.String())
	return nil
}

// FlexMap is a JSON object that the API sends as an empty array ([]) when it
// has no keys, a PHP serialisation quirk.
type FlexMap[V any] map[string]V

// UnmarshalJSON accepts an object, an empty array, or null.
func (m *FlexMap[V]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) || len(b) == 0 {
		*m = nil
		return nil
	}
	if b[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(b, &arr); err != nil {
			return err
		}
		if len(arr) != 0 {
			return fmt.Errorf("expected an object, got a non-empty array")
		}
		*m = FlexMap[V]{}
		return nil
	}
	var v map[string]V
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = v
	return nil
}

// FlexBool is a boolean that the API may send as true/false, 0/1 or "0"/"1".
type FlexBool bool

// UnmarshalJSON accepts JSON booleans, 0/1 numbers and their string forms.
func (v *FlexBool) UnmarshalJSON(b []byte) error {
	switch string(bytes.Trim(bytes.TrimSpace(b), `"`)) {
	case "true", "1":
		*v = true
	case "false", "0", "", "null":
		*v = false
	default:
		return fmt.Errorf("expected a boolean, got %s", b)
	}
	return nil
}

// rawObject keeps a JSON value that should be an object but may arrive as
// [] or null ("results" of a job). Empty values decode to nil.
type rawObject json.RawMessage

// UnmarshalJSON stores objects verbatim and drops empty arrays and null.
func (r *rawObject) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) || b[0] == '[' {
		*r = nil
		return nil
	}
	*r = append((*r)[:0], b...)
	return nil
}

// MarshalJSON writes the stored object or null.
func (r rawObject) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}
