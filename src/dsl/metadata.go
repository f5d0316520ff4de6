package dsl

import (
	"fmt"
	"strings"

	"datagen/src/input"
)

// MaxMetadataKeyLen is the longest metadata key Keboola Storage accepts.
const MaxMetadataKeyLen = 255

// reservedMetadata lists the metadata keys (exact, or prefixes ending in
// '.') that a schema cannot set on a node or a column, with the reason.
// Keys are compared case-insensitively.
var reservedMetadata = []struct{ key, why string }{
	{"KBC.createdBy.", "Keboola sets it itself"},
	{"KBC.lastUpdatedBy.", "Keboola sets it itself"},
	{"KBC.datatype.", "datagen writes the data type keys from the column's type and nullability"},
	{"KBC.description", `write it as "description"`},
	{"datagen.", "datagen writes its own keys under this prefix"},
}

// CheckMetadataKey reports why k cannot be a custom metadata key, or nil.
// Keys follow Keboola Storage's rules (1 to 255 characters: letters,
// digits, '.', '_' and '-') and must not be one of the keys Keboola or
// datagen write themselves.
func CheckMetadataKey(k string) error {
	switch {
	case k == "":
		return fmt.Errorf("metadata key must not be empty")
	case len(k) > MaxMetadataKeyLen:
		return fmt.Errorf("metadata key is %d characters long; Keboola Storage accepts at most %d", len(k), MaxMetadataKeyLen)
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("metadata key %q contains %q; Keboola Storage accepts only letters, digits, '.', '_' and '-'", k, r)
		}
	}
	for _, res := range reservedMetadata {
		prefix := strings.HasSuffix(res.key, ".")
		if prefix && len(k) >= len(res.key) && strings.EqualFold(k[:len(res.key)], res.key) ||
			!prefix && strings.EqualFold(k, res.key) {
			what := "is reserved"
			if prefix {
				what = fmt.Sprintf("starts with the reserved prefix %q", res.key)
			}
			return fmt.Errorf("metadata key %q %s: %s", k, what, res.why)
		}
	}
	return nil
}

// customMetadata reads a node's or a column's "metadata": an object of
// string values, kept in document order.
func (d *decoder) customMetadata(v *input.Value, path string) []MetadataEntry {
	if !v.IsObject() {
		d.Errorf(path, `e.g. {"owner": "sales", "pii": "false"}`, "expected an object, got %s", v.Describe())
		return nil
	}
	d.ReportDups(v, path)
	var out []MetadataEntry
	for _, m := range v.Obj {
		p := input.Key(path, m.Key)
		if err := CheckMetadataKey(m.Key); err != nil {
			d.Errorf(p, "", "%v", err)
			continue
		}
		if m.Val.Kind != input.StringKind {
			sugg := ""
			switch m.Val.Kind {
			case input.NumberKind:
				sugg = fmt.Sprintf("write it as a string: %q", m.Val.Num.String())
			case input.BoolKind:
				sugg = fmt.Sprintf("write it as a string: \"%t\"", m.Val.Bool)
			}
			d.Errorf(p, sugg, "metadata values are strings, got %s", m.Val.Describe())
			continue
		}
		out = append(out, MetadataEntry{Key: m.Key, Value: m.Val.Str})
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
