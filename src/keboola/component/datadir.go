package component

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"datagen/src/sink"
)

// DataDir is the component's data folder (/data in Keboola).
type DataDir struct{ Root string }

// ConfigPath is data/config.json.
func (d DataDir) ConfigPath() string { return filepath.Join(d.Root, "config.json") }

// InState is data/in/state.json.
func (d DataDir) InState() string { return filepath.Join(d.Root, "in", "state.json") }

// OutTables is data/out/tables.
func (d DataDir) OutTables() string { return filepath.Join(d.Root, "out", "tables") }

// OutFiles is data/out/files.
func (d DataDir) OutFiles() string { return filepath.Join(d.Root, "out", "files") }

// OutState is data/out/state.json.
func (d DataDir) OutState() string { return filepath.Join(d.Root, "out", "state.json") }

// OutUsage is data/out/usage.json.
func (d DataDir) OutUsage() string { return filepath.Join(d.Root, "out", "usage.json") }

// Prepare checks that the folder exists and holds config.json, creates
// out/tables and out/files, and empties out/tables: every file there is
// uploaded, so tables of an earlier local run must not linger. It returns
// the number of entries removed.
func (d DataDir) Prepare() (int, error) {
	st, err := os.Stat(d.Root)
	if err != nil || !st.IsDir() {
		return 0, userErrorf("data folder %s does not exist: pass --data-dir or set KBC_DATADIR", d.Root)
	}
	if _, err := os.Stat(d.ConfigPath()); err != nil {
		return 0, userErrorf("%s is missing: the data folder must hold the configuration", d.ConfigPath())
	}
	for _, dir := range []string{d.OutTables(), d.OutFiles()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return 0, fmt.Errorf("creating %s: %w", dir, err)
		}
	}
	entries, err := os.ReadDir(d.OutTables())
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", d.OutTables(), err)
	}
	n := 0
	for _, e := range entries {
		if e.Name() == ".gitkeep" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(d.OutTables(), e.Name())); err != nil {
			return n, fmt.Errorf("removing stale output: %w", err)
		}
		n++
	}
	return n, nil
}

// ReadState returns in/state.json as an object; a missing or empty file
// is an empty state.
func (d DataDir) ReadState() (map[string]any, error) {
	data, err := os.ReadFile(d.InState())
	if errors.Is(err, os.ErrNotExist) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]any{}, nil
	}
	var st map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&st); err != nil || st == nil {
		return nil, userErrorf("in/state.json is not a JSON object")
	}
	return st, nil
}

// WriteJSON writes v as indented JSON to path, atomically.
func WriteJSON(path string, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding %s: %w", filepath.Base(path), err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	return sink.WriteFileAtomic(path, b.Bytes())
}

// Metric is one entry of out/usage.json.
type Metric struct {
	Metric string `json:"metric"`
	Value  int64  `json:"value"`
}

// usageMetrics lists the generated row counts: the total and one metric
// per table ("rows.<table>"), in generation order.
func usageMetrics(tables []TableReport) []Metric {
	var total int64
	m := []Metric{{"rows", 0}, {"tables", int64(len(tables))}}
	for _, t := range tables {
		total += t.Rows
		m = append(m, Metric{"rows." + t.Table, t.Rows})
	}
	m[0].Value = total
	return m
}
