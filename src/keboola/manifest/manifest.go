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
	"slices"
	"strings"

	"datagen/src/column"
	"datagen/src/dsl"
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
	// Metadata is custom column metadata, written after datagen's own
	// keys.
	Metadata []KV
	// Precision and Scale, when Precision > 0, make a float column a
	// NUMERIC one of that length.
	Precision, Scale int
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
	// Metadata is extra table metadata (key → value), written in order.
	Metadata []KV
	// Custom is the schema's own table metadata, written after Metadata.
	Custom []KV
	// PrimaryKey lists the key columns in key order; when nil, the
	// columns marked PrimaryKey, in column order.
	PrimaryKey []string
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
	KeyLength      = "KBC.datatype.length"
)

// baseType is the base type of c: NUMERIC for a decimal column, else
// BaseType of its type.
func (c *Column) baseType() string {
	if c.Precision > 0 {
		return "NUMERIC"
	}
	return BaseType(c.Type)
}

// length is the "precision,scale" of a decimal column, else "".
func (c *Column) length() string {
	if c.Precision > 0 {
		return fmt.Sprintf("%d,%d", c.Precision, c.Scale)
	}
	return ""
}

// FromFields builds the columns of a table from its fields; the columns
// named in pk are marked as the primary key and are never nullable.
//
// A string column that is not part of the key is always declared
// nullable: under native types Keboola stores an empty string as NULL
// (treatValuesAsNull defaults to [""], and CSV cannot tell the two
// apart), so a NOT NULL string column that holds "" would fail the
// import. Other types keep the field's nullability: a null of a
// non-nullable column stops the generation before any file is written.
func FromFields(fields []column.Field, pk []string) []Column {
	cols := make([]Column, len(fields))
	for i, f := range fields {
		key := slices.Contains(pk, f.Name)
		cols[i] = Column{Name: f.Name, Type: f.Type, Nullable: (f.Nullable || f.Type == column.String) && !key,
			PrimaryKey: key, Description: f.Description, Precision: f.Precision, Scale: f.Scale}
	}
	return cols
}

// ForNode builds the manifest description of node n's table from its
// fields (name, type, nullability and description of every column, as
// the plan gives them): the columns as FromFields makes them with the
// node's primary key in key order, the node's description, and the
// node's and columns' custom metadata. Destination, incremental loading,
// the header and datagen's own table metadata are left to the caller.
func ForNode(n *dsl.Node, fields []column.Field) Table {
	t := Table{Description: n.Description, Columns: FromFields(fields, n.HistoryKey()), PrimaryKey: slices.Clone(n.HistoryKey())}
	for i := range t.Columns {
		if c := n.Column(t.Columns[i].Name); c != nil {
			t.Columns[i].Metadata = customKV(c.Metadata)
		}
	}
	t.Custom = customKV(n.Metadata)
	return t
}

func customKV(md []dsl.MetadataEntry) []KV {
	if len(md) == 0 {
		return nil
	}
	out := make([]KV, len(md))
	for i, e := range md {
		out[i] = KV{Key: e.Key, Value: e.Value}
	}
	return out
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
	Metadata    map[string]string   `json:"metadata,omitempty"`
}

type dataType struct {
	Type   string `json:"type"`
	Length string `json:"length,omitempty"`
}

// Check reports a table that output mapping would reject: no columns,
// an empty or repeated column name, a primary key on a nullable column, a
// PrimaryKey list that does not match the columns marked as keys, or a
// metadata key given twice for the table or for one column.
func (t *Table) Check() error {
	if len(t.Columns) == 0 {
		return fmt.Errorf("table %q has no columns", t.Destination)
	}
	seen := map[string]bool{}
	keys := 0
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
		if c.PrimaryKey {
			keys++
		}
		if k := repeatedKey(c.kv()); k != "" {
			return fmt.Errorf("column %q: metadata key %q is given twice", c.Name, k)
		}
	}
	if t.PrimaryKey != nil {
		inKey := map[string]bool{}
		for _, k := range t.PrimaryKey {
			i := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == k })
			switch {
			case i < 0:
				return fmt.Errorf("primary key column %q is not a column of the table", k)
			case !t.Columns[i].PrimaryKey || inKey[k]:
				return fmt.Errorf("primary key %v does not match the columns marked as keys", t.PrimaryKey)
			}
			inKey[k] = true
		}
		if len(inKey) != keys {
			return fmt.Errorf("primary key %v does not match the columns marked as keys", t.PrimaryKey)
		}
	}
	if k := repeatedKey(t.tableKV()); k != "" {
		return fmt.Errorf("table metadata key %q is given twice", k)
	}
	return nil
}

// repeatedKey returns the first key that appears twice in kv, or "".
func repeatedKey(kv []KV) string {
	seen := map[string]bool{}
	for _, e := range kv {
		if seen[e.Key] {
			return e.Key
		}
		seen[e.Key] = true
	}
	return ""
}

// tableKV is the table metadata: the description, datagen's keys, then
// the custom keys.
func (t *Table) tableKV() []KV {
	var kv []KV
	if t.Description != "" {
		kv = append(kv, KV{KeyDescription, t.Description})
	}
	kv = append(kv, t.Metadata...)
	return append(kv, t.Custom...)
}

// kv is the legacy column metadata: base type, nullability, description,
// then the custom keys.
func (c *Column) kv() []KV {
	kv := []KV{{KeyBaseType, c.baseType()}}
	if l := c.length(); l != "" {
		kv = append(kv, KV{KeyLength, l})
	}
	kv = append(kv, KV{KeyNullable, boolDigit(c.Nullable)})
	if c.Description != "" {
		kv = append(kv, KV{KeyDescription, c.Description})
	}
	return append(kv, c.Metadata...)
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
	if t.PrimaryKey != nil {
		return slices.Clone(t.PrimaryKey)
	}
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
	m.Metadata = t.tableKV()
	for _, c := range t.Columns {
		m.ColumnMetadata[c.Name] = c.kv()
	}
	return m
}

func (t *Table) schema() *schemaManifest {
	m := &schemaManifest{Destination: t.Destination, Incremental: t.Incremental, Delimiter: ",", Enclosure: `"`,
		ManifestType: "output", HasHeader: t.HasHeader, Description: t.Description}
	if len(t.Metadata)+len(t.Custom) > 0 {
		m.TableMetadata = map[string]string{}
		for _, kv := range append(t.Metadata[:len(t.Metadata):len(t.Metadata)], t.Custom...) {
			m.TableMetadata[kv.Key] = kv.Value
		}
	}
	for _, c := range t.Columns {
		sc := schemaColumn{Name: c.Name,
			DataType: map[string]dataType{"base": {Type: c.baseType(), Length: c.length()}},
			Nullable: c.Nullable && !c.PrimaryKey, PrimaryKey: c.PrimaryKey, Description: c.Description}
		if len(c.Metadata) > 0 {
			sc.Metadata = map[string]string{}
			for _, kv := range c.Metadata {
				sc.Metadata[kv.Key] = kv.Value
			}
		}
		m.Schema = append(m.Schema, sc)
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
