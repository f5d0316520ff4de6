// Package manifest writes Keboola output-mapping table manifests
// (<table>.csv.manifest) in either of the two flavours output mapping
// reads:
//
//   - the legacy manifest: "columns" (only for headless files such as the
//     slices of a sliced table), "primary_key", "metadata" and
//     "column_metadata" with KBC.datatype.* keys;
//   - the schema (native types) manifest: "schema" with one entry per
//     column carrying its base type, nullability, primary-key flag and
//     description, and "has_header" stating whether the file has a header
//     row.
//
// Which flavour a project needs depends on its data type support, see
// ChooseFlavour.
package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"datagen/src/column"
)

// Flavour is the manifest format.
type Flavour int

// The manifest flavours.
const (
	// Legacy is the manifest with columns/primary_key/metadata/column_metadata.
	Legacy Flavour = iota
	// Schema is the native-types manifest with a schema array and has_header.
	Schema
)

// String returns "legacy" or "schema".
func (f Flavour) String() string {
	if f == Schema {
		return "schema"
	}
	return "legacy"
}

// ParseFlavour maps "legacy" or "schema" to a Flavour.
func ParseFlavour(s string) (Flavour, error) {
	switch s {
	case "legacy":
		return Legacy, nil
	case "schema":
		return Schema, nil
	}
	return Legacy, fmt.Errorf("unknown manifest flavour %q (want \"legacy\" or \"schema\")", s)
}

// Data type support levels of a project (KBC_DATA_TYPE_SUPPORT and
// storage.output.data_type_support).
const (
	SupportAuthoritative = "authoritative"
	SupportHints         = "hints"
	SupportNone          = "none"
)

// ChooseFlavour picks the manifest flavour for a run. envSupport is the
// KBC_DATA_TYPE_SUPPORT variable, which the platform sets only in projects
// with native types; configSupport is storage.output.data_type_support
// from config.json, which overrides the component's setting there. The
// schema manifest is written when the project has native types and the
// effective level is authoritative or hints (output mapping then requires
// it); otherwise the legacy manifest, because a project without native
// types ignores "schema" when it reads the columns of a file.
func ChooseFlavour(envSupport, configSupport string) Flavour {
	if envSupport == "" {
		return Legacy
	}
	level := envSupport
	if configSupport != "" {
		level = configSupport
	}
	switch level {
	case SupportAuthoritative, SupportHints:
		return Schema
	}
	return Legacy
}

// BaseType returns the Keboola base type of a column type: INTEGER,
// FLOAT, STRING, BOOLEAN, TIMESTAMP or DATE.
func BaseType(t column.Type) string {
	switch t {
	case column.Int:
		return "INTEGER"
	case column.Float:
		return "FLOAT"
	case column.Bool:
		return "BOOLEAN"
	case column.Timestamp:
		return "TIMESTAMP"
	case column.Date:
		return "DATE"
	}
	return "STRING"
}

// Column describes one column of a table.
type Column struct {
	Name        string
	Type        column.Type
	Nullable    bool
	PrimaryKey  bool
	Description string
}

// Table describes one output table.
type Table struct {
	// Destination is the full table id, e.g. in.c-datagen.orders; empty
	// omits it (output mapping then needs a default bucket or a mapping).
	Destination string
	Incremental bool
	Description string
	Columns     []Column
	// HasHeader states whether the data file starts with a header row.
	// Sliced tables are headless.
	HasHeader bool
	// Metadata is extra table metadata (key → value), written in key order.
	Metadata []KV
}

// KV is one metadata entry.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Keys of Keboola metadata.
const (
	KeyDescription = "KBC.description"
	KeyBaseType    = "KBC.datatype.basetype"
	KeyNullable    = "KBC.datatype.nullable"
)

// FromFields builds the columns of a table from its fields; the column
// named pk (if any) is marked as the primary key.
func FromFields(fields []column.Field, pk string) []Column {
	cols := make([]Column, len(fields))
	for i, f := range fields {
		cols[i] = Column{Name: f.Name, Type: f.Type, Nullable: f.Nullable && f.Name != pk,
			PrimaryKey: f.Name == pk, Description: f.Description}
	}
	return cols
}

// legacy is the JSON form of a legacy manifest; field order is the key
// order in the file.
type legacy struct {
	Destination    string          `json:"destination,omitempty"`
	Incremental    bool            `json:"incremental"`
	PrimaryKey     []string        `json:"primary_key"`
	Columns        []string        `json:"columns,omitempty"`
	Delimiter      string          `json:"delimiter"`
	Enclosure      string          `json:"enclosure"`
	Metadata       []KV            `json:"metadata,omitempty"`
	ColumnMetadata map[string][]KV `json:"column_metadata"`
}

// schemaManifest is the JSON form of a native-types manifest.
type schemaManifest struct {
	Destination   string            `json:"destination,omitempty"`
	Incremental   bool              `json:"incremental"`
	Delimiter     string            `json:"delimiter"`
	Enclosure     string            `json:"enclosure"`
	ManifestType  string            `json:"manifest_type"`
	HasHeader     bool              `json:"has_header"`
	Description   string            `json:"description,omitempty"`
	TableMetadata map[string]string `json:"table_metadata,omitempty"`
	Schema        []schemaColumn    `json:"schema"`
}

type schemaColumn struct {
	Name        string              `json:"name"`
	DataType    map[string]dataType `json:"data_type"`
	Nullable    bool                `json:"nullable"`
	PrimaryKey  bool                `json:"primary_key,omitempty"`
	Description string              `json:"description,omitempty"`
}

type dataType struct {
	Type string `json:"type"`
}

// Check reports a table that output mapping would reject: no columns,
// an empty or repeated column name, or a primary key on a nullable column.
func (t *Table) Check() error {
	if len(t.Columns) == 0 {
		return fmt.Errorf("table %q has no columns", t.Destination)
	}
	seen := map[string]bool{}
	for i, c := range t.Columns {
		if c.Name == "" {
			return fmt.Errorf("column %d has an empty name", i)
		}
		if seen[c.Name] {
			return fmt.Errorf("column %q appears twice", c.Name)
		}
		seen[c.Name] = true
		if c.PrimaryKey && c.Nullable {
			return fmt.Errorf("primary key column %q must not be nullable", c.Name)
		}
	}
	return nil
}

// Marshal returns the manifest of t in flavour f as indented JSON with a
// trailing newline. Keys appear in a fixed order, so the bytes depend only
// on t and f.
func (t *Table) Marshal(f Flavour) ([]byte, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	var v any
	if f == Schema {
		v = t.schema()
	} else {
		v = t.legacy()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return buf.Bytes(), nil
}

func (t *Table) primaryKey() []string {
	pk := []string{}
	for _, c := range t.Columns {
		if c.PrimaryKey {
			pk = append(pk, c.Name)
		}
	}
	return pk
}

func (t *Table) legacy() *legacy {
	m := &legacy{Destination: t.Destination, Incremental: t.Incremental, PrimaryKey: t.primaryKey(),
		Delimiter: ",", Enclosure: `"`, ColumnMetadata: map[string][]KV{}}
	if !t.HasHeader {
		// A legacy manifest with "columns" declares the file headless.
		for _, c := range t.Columns {
			m.Columns = append(m.Columns, c.Name)
		}
	}
	if t.Description != "" {
		m.Metadata = append(m.Metadata, KV{KeyDescription, t.Description})
	}
	m.Metadata = append(m.Metadata, t.Metadata...)
	for _, c := range t.Columns {
		kv := []KV{{KeyBaseType, BaseType(c.Type)}, {KeyNullable, boolDigit(c.Nullable)}}
		if c.Description != "" {
			kv = append(kv, KV{KeyDescription, c.Description})
		}
		m.ColumnMetadata[c.Name] = kv
	}
	return m
}

func (t *Table) schema() *schemaManifest {
	m := &schemaManifest{Destination: t.Destination, Incremental: t.Incremental, Delimiter: ",", Enclosure: `"`,
		ManifestType: "output", HasHeader: t.HasHeader, Description: t.Description}
	if len(t.Metadata) > 0 {
		m.TableMetadata = map[string]string{}
		for _, kv := range t.Metadata {
			m.TableMetadata[kv.Key] = kv.Value
		}
	}
	for _, c := range t.Columns {
		m.Schema = append(m.Schema, schemaColumn{Name: c.Name,
			DataType: map[string]dataType{"base": {Type: BaseType(c.Type)}},
			Nullable: c.Nullable && !c.PrimaryKey, PrimaryKey: c.PrimaryKey, Description: c.Description})
	}
	return m
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// ValidName reports whether s is a valid Storage table or bucket name:
// letters, digits, '-' and '_' only.
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) < 0
}
