package outdir

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Metadata is the content of .metadata.json: how a run was made and what
// it wrote.
type Metadata struct {
	DatasetName    string  `json:"dataset_name"`
	SchemaHash     string  `json:"schema_hash"`
	Seed           int64   `json:"seed"`
	FormatVersion  int     `json:"format_version"`
	DatagenVersion string  `json:"datagen_version"`
	GeneratedAt    string  `json:"generated_at"`
	Format         string  `json:"format"`
	Scale          float64 `json:"scale"`
	SampleRows     int64   `json:"dry_run_sample,omitempty"`
	Parts          int     `json:"parts"`
	// Part is the part a run wrote (0 for a whole run); nil in the
	// metadata finalize writes for every part of a split run.
	Part    *int `json:"part,omitempty"`
	Workers int  `json:"workers"`
	// Window is the time window of the rows written, or nil for all.
	Window  *Window                  `json:"window,omitempty"`
	Seconds float64                  `json:"seconds"`
	Tables  map[string]TableMetadata `json:"tables"`
	Order   []string                 `json:"generation_order"`
	// Files lists the files of a part (in its manifest) or, once
	// finalized, of every part of a split run.
	Files []FileInfo `json:"files,omitempty"`
}

// Window is the time window [From, Until) of a run's rows: ISO 8601
// instants, "" for an unbounded side.
type Window struct {
	From  string `json:"from,omitempty"`
	Until string `json:"until,omitempty"`
}

// String describes window w as the flags that give it ("--from X --until
// Y", an unbounded side left out), or "none (all rows)" for nil.
func (w *Window) String() string {
	if w == nil || w.From == "" && w.Until == "" {
		return "none (all rows)"
	}
	var s []string
	if w.From != "" {
		s = append(s, "--from "+w.From)
	}
	if w.Until != "" {
		s = append(s, "--until "+w.Until)
	}
	return strings.Join(s, " ")
}

// FileInfo describes one table file of a split run.
type FileInfo struct {
	// Path is relative to the output folder, slash-separated.
	Path   string `json:"path"`
	Table  string `json:"table"`
	Format string `json:"format"`
	Part   int    `json:"part"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string `json:"sha256"`
}

// TableMetadata describes one table of a run.
type TableMetadata struct {
	Kind       string     `json:"kind"`
	File       string     `json:"file"`
	Rows       int64      `json:"rows"`
	Written    int64      `json:"rows_written"`
	Columns    []string   `json:"columns"`
	PrimaryKey KeyColumns `json:"primary_key"`
	// History is how an entity with changing columns is written
	// ("versions" or "events"; "" for none): its rows are then versions or
	// events, more than its entities.
	History string  `json:"history,omitempty"`
	Seconds float64 `json:"seconds"`
}

// KeyColumns lists the primary key columns of a table in key order. It is
// written as a JSON list and read from a list or, as metadata files
// written before composite keys were supported have it, from one string.
type KeyColumns []string

// UnmarshalJSON accepts ["a", "b"] or "a".
func (k *KeyColumns) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*k = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*k = KeyColumns{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("primary_key: want a list of column names: %w", err)
	}
	*k = list
	return nil
}

// RunInfo is what a run's metadata records besides its tables.
type RunInfo struct {
	Seed       int64
	Format     string
	Scale      float64
	SampleRows int64
	Part       Part
	Workers    int
	Version    string
	// Window is the time window of the rows written, or nil for all.
	Window *Window
	// Now is the generation time (default time.Now).
	Now func() time.Time
}

// Marshal returns the file content: indented JSON and a final newline. A
// value JSON cannot hold (a NaN scale) is an error, never a truncated file.
func (m *Metadata) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", MetadataFile(Part{}), err)
	}
	return append(b, '\n'), nil
}

// ReadMetadata reads dir/.metadata.json.
func ReadMetadata(dir string) (*Metadata, error) {
	path := filepath.Join(dir, MetadataFile(Part{}))
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}
