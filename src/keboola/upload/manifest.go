package upload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"datagen/src/input"
)

// Base types of the native-types schema manifest.
var baseTypes = []string{"STRING", "INTEGER", "NUMERIC", "FLOAT", "BOOLEAN", "DATE", "TIMESTAMP"}

// manifest is an output-mapping table manifest, legacy or schema flavour.
type manifest struct {
	Destination    string               `json:"destination"`
	Incremental    *bool                `json:"incremental"`
	PrimaryKey     []string             `json:"primary_key"`
	Columns        []string             `json:"columns"`
	Delimiter      *string              `json:"delimiter"`
	Enclosure      *string              `json:"enclosure"`
	Metadata       []metaEntry          `json:"metadata"`
	ColumnMetadata object[[]metaEntry]  `json:"column_metadata"`
	HasHeader      *bool                `json:"has_header"`
	Description    string               `json:"description"`
	TableMetadata  object[scalarString] `json:"table_metadata"`
	Schema         []schemaColumn       `json:"schema"`
	DeleteWhere    json.RawMessage      `json:"delete_where"`
	DeleteWhereCol json.RawMessage      `json:"delete_where_column"`
}

// knownManifestKeys are all keys output mapping accepts; the ones without a
// field above are accepted and ignored (they steer the platform, not us).
var knownManifestKeys = map[string]bool{
	"destination": true, "incremental": true, "primary_key": true, "columns": true, "distribution_key": true,
	"delimiter": true, "enclosure": true, "metadata": true, "column_metadata": true, "write_always": true,
	"tags": true, "delete_where": true, "delete_where_column": true, "delete_where_values": true,
	"delete_where_operator": true, "deduplication_strategy": true, "unload_strategy": true,
	"manifest_type": true, "has_header": true, "description": true, "table_metadata": true, "schema": true,
}

// metaEntry is a {key, value} metadata pair of a legacy manifest.
type metaEntry struct {
	Key   string       `json:"key"`
	Value scalarString `json:"value"`
}

// schemaColumn is one column of a schema (native types) manifest.
type schemaColumn struct {
	Name        string               `json:"name"`
	DataType    object[dataType]     `json:"data_type"`
	Nullable    *bool                `json:"nullable"`
	PrimaryKey  bool                 `json:"primary_key"`
	Description string               `json:"description"`
	Metadata    object[scalarString] `json:"metadata"`
}

// dataType is a type of one backend ("base", "snowflake", "bigquery").
type dataType struct {
	Type    string        `json:"type"`
	Length  *scalarString `json:"length"`
	Default *scalarString `json:"default"`
}

// object is a JSON object decoded into a map. An empty array is an empty
// object: manifests written by PHP components hold [] for an empty
// column_metadata or table_metadata, as the platform itself writes them.
type object[V any] map[string]V

// UnmarshalJSON accepts an object, null or [].
func (o *object[V]) UnmarshalJSON(b []byte) error {
	if v, err := input.Parse(b); err == nil && v.Kind == input.ArrayKind && len(v.Arr) == 0 {
		*o = nil
		return nil
	}
	var m map[string]V
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*o = m
	return nil
}

// scalarString decodes a JSON string, number or boolean into its text.
type scalarString string

// UnmarshalJSON keeps strings and the literal text of numbers and booleans.
func (s *scalarString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = scalarString(v)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("expected a string, got %s", b)
	default:
		*s = scalarString(b)
	}
	return nil
}

// parseManifest decodes and checks a table manifest. It returns warnings for
// keys it does not know.
func parseManifest(data []byte) (*manifest, []string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("not a JSON object: %w", err)
	}
	var warnings []string
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if !knownManifestKeys[k] {
			w := fmt.Sprintf("unknown key %q ignored", k)
			if s := input.DidYouMean(k, slices.Sorted(maps.Keys(knownManifestKeys))); s != "" {
				w += " (" + s + ")"
			}
			warnings = append(warnings, w)
		}
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, nil, err
	}
	if err := m.check(raw); err != nil {
		return nil, nil, err
	}
	return &m, warnings, nil
}

// check enforces the rules output mapping enforces.
func (m *manifest) check(raw map[string]json.RawMessage) error {
	if len(m.Schema) > 0 {
		for _, k := range []string{"columns", "primary_key", "metadata", "column_metadata", "distribution_key"} {
			if _, ok := raw[k]; ok {
				return fmt.Errorf("%q cannot be combined with \"schema\"", k)
			}
		}
	}
	if len(m.DeleteWhere) > 0 && string(m.DeleteWhere) != "null" || len(m.DeleteWhereCol) > 0 && string(m.DeleteWhereCol) != "null" {
		return fmt.Errorf("delete_where is not supported by datagen upload; remove it or load the table through output mapping")
	}
	if m.Delimiter != nil && len(*m.Delimiter) != 1 {
		return fmt.Errorf("delimiter %q: must be exactly one ASCII character", *m.Delimiter)
	}
	if m.Enclosure != nil && len(*m.Enclosure) != 1 {
		return fmt.Errorf("enclosure %q: must be exactly one ASCII character (files without enclosure are not supported)", *m.Enclosure)
	}
	if m.Delimiter != nil && m.Enclosure != nil && *m.Delimiter == *m.Enclosure {
		return fmt.Errorf("delimiter and enclosure are both %q", *m.Delimiter)
	}
	if _, ok := m.TableMetadata["KBC.description"]; ok && m.Description != "" {
		return fmt.Errorf("\"description\" and table_metadata \"KBC.description\" exclude each other")
	}
	for i, c := range m.Schema {
		where := fmt.Sprintf("schema[%d]", i)
		if c.Name == "" {
			return fmt.Errorf("%s: name is required", where)
		}
		for k, dt := range c.DataType {
			if k != "base" && k != "snowflake" && k != "bigquery" {
				return fmt.Errorf("%s (%s).data_type: key %q is not one of base, snowflake, bigquery", where, c.Name, k)
			}
			if dt.Type == "" {
				return fmt.Errorf("%s (%s).data_type.%s: type is required", where, c.Name, k)
			}
		}
		if base, ok := c.DataType["base"]; ok && !slices.Contains(baseTypes, strings.ToUpper(base.Type)) {
			return fmt.Errorf("%s (%s).data_type.base.type %q: want one of %s", where, c.Name, base.Type, strings.Join(baseTypes, ", "))
		}
		if _, ok := c.Metadata["KBC.description"]; ok && c.Description != "" {
			return fmt.Errorf("%s (%s): \"description\" and metadata \"KBC.description\" exclude each other", where, c.Name)
		}
	}
	return nil
}

// columnNames returns the columns the manifest declares, if any, and
// whether the data file is headless.
func (m *manifest) columnNames() (cols []string, headless bool) {
	switch {
	case len(m.Columns) > 0:
		return m.Columns, true
	case len(m.Schema) > 0:
		cols = make([]string, len(m.Schema))
		for i, c := range m.Schema {
			cols[i] = c.Name
		}
		return cols, m.HasHeader == nil || !*m.HasHeader
	}
	return nil, false
}

// primaryKey returns the primary key columns from either flavour.
func (m *manifest) primaryKey() []string {
	if len(m.Schema) == 0 {
		return m.PrimaryKey
	}
	var pk []string
	for _, c := range m.Schema {
		if c.PrimaryKey {
			pk = append(pk, c.Name)
		}
	}
	return pk
}

// boolString renders a boolean the way Keboola metadata stores it.
func boolString(b bool) string { return strconv.Itoa(map[bool]int{false: 0, true: 1}[b]) }
