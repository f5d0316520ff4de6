// Package twin learns a datagen schema from real tables: column types,
// keys, foreign keys and node kinds, fanouts, value distributions, time
// patterns, semantic values and null rates, read in one streaming pass
// per table with memory bounded by sketches. Learning never leaks the
// data: a value seen fewer than k times, or a whole row, is never copied
// into the schema (docs/twin.md).
package twin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Options tune inference.
type Options struct {
	// K is the privacy threshold: a value seen fewer than K times is never
	// copied into the schema (default 5).
	K int
	// Name is the dataset name written into the schema's metadata.
	Name string
}

// Result is an inferred schema.
type Result struct {
	// Schema is the DSL document, indented JSON.
	Schema []byte
	// Notes explain decisions a user may want to revisit.
	Notes []string
	// Tables and Rows count what was read.
	Tables int
	Rows   int64
}

// Infer reads the tables named by paths (files, folders of tables, Keboola
// sliced tables) and infers their schema.
func Infer(ctx context.Context, paths []string, opt Options) (*Result, error) {
	if opt.K <= 0 {
		opt.K = 5
	}
	srcs, err := discover(paths)
	if err != nil {
		return nil, err
	}
	m := &model{opt: opt, byName: map[string]*tableStats{}, pk: map[string]string{}, nominalPK: map[string]string{},
		fks: map[string][]foreignKey{}, primary: map[string]*foreignKey{}, vocab: map[string][]string{}, derived: map[string]map[string]derived{}, attrs: map[string]map[string]string{}, popular: map[string]map[string]*popularRefs{}, aggs: map[string]map[string]aggregate{}, lifetimes: map[string]map[string]lifetime{}}
	res := &Result{Tables: len(srcs)}
	for _, s := range srcs {
		if err := s.prepare(ctx); err != nil {
			return nil, err
		}
		t := newTableStats(s)
		if err := s.scan(ctx, t); err != nil {
			return nil, err
		}
		m.tables = append(m.tables, t)
		m.byName[s.name] = t
		res.Rows += t.rows
	}
	m.findKeys()
	m.findForeignKeys()
	m.findVocabularies()
	m.findAttributes()
	m.choosePrimary()
	m.findAggregates()
	m.findPopular()
	for _, t := range m.tables {
		m.derived[t.src.name] = m.findDerived(t)
	}
	doc := m.document()
	if doc.Metadata.Name == "" {
		doc.Metadata.Name = datasetName(paths)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("writing the schema: %w", err)
	}
	res.Schema = inlineScalarArrays(buf.Bytes())
	res.Notes = m.notes
	return res, nil
}

// scalarArray matches an indented JSON array of scalars (strings,
// numbers, booleans, nulls).
var scalarArray = regexp.MustCompile(`\[\n(?:\s*(?:"(?:[^"\\\n]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null),?\n)+\s*\]`)

// inlineScalarArrays writes arrays of scalars (choices, weights,
// quantiles) on one line, so that the schema reads as a person would
// write it.
func inlineScalarArrays(b []byte) []byte {
	return scalarArray.ReplaceAllFunc(b, func(m []byte) []byte {
		lines := strings.Split(string(m[1:len(m)-1]), "\n")
		var items []string
		for _, l := range lines {
			if l = strings.TrimSuffix(strings.TrimSpace(l), ","); l != "" {
				items = append(items, l)
			}
		}
		return []byte("[" + strings.Join(items, ", ") + "]")
	})
}

// datasetName names the dataset after the first input.
func datasetName(paths []string) string {
	b := filepath.Base(filepath.Clean(paths[0]))
	b = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(b, ".gz"), ".csv"), ".parquet")
	if b == "" || b == "." || b == "/" {
		return "twin"
	}
	return b + " twin"
}

// document writes the model as a DSL document.
func (m *model) document() *docJSON {
	doc := &docJSON{Version: "1.0", Metadata: metadataJSON{Name: m.opt.Name,
		Description: fmt.Sprintf("Inferred by datagen infer from %d tables; values seen fewer than %d times are not copied.", len(m.tables), m.opt.K)},
		Timeframe: m.timeframe()}
	for _, t := range m.sortedNodes() {
		name := t.src.name
		n := &nodeJSON{ID: name, Kind: "entity", PK: m.pk[name]}
		if n.PK == "" {
			n.PK = m.nominalPK[name]
		}
		if fk := m.primary[name]; fk != nil {
			n.Kind = "fact"
			n.Parents = []string{fk.parent}
			for _, o := range m.fks[name] {
				if o.parent != fk.parent && !contains(n.Parents, o.parent) {
					n.Parents = append(n.Parents, o.parent)
				}
			}
			var note string
			n.Fanout, note, _ = m.fanout(fk)
			n.Description = "inferred: " + note
		} else if m.vocab[name] != nil {
			n.Kind = "vocab"
		} else {
			rows := t.rows
			n.Rows = &rows
		}
		for _, c := range t.cols {
			n.Columns = append(n.Columns, m.column(t, c))
		}
		if len(n.Columns) == 0 {
			continue
		}
		doc.Nodes = append(doc.Nodes, n)
		for _, c := range n.Columns {
			// Links that are not lookups of the parent's key: drawn by
			// popularity, copied from the parent row, or values of a
			// vocabulary.
			fk := m.fkOf(name, c.Name)
			if fk != nil && (m.popular[name][c.Name] != nil || m.attrs[name][c.Name] != "" || c.Generator["choice"] != nil && m.vocab[fk.parent] != nil) {
				if doc.Constraints == nil {
					doc.Constraints = &constraintsJSON{}
				}
				doc.Constraints.ForeignKeys = append(doc.Constraints.ForeignKeys, fkJSON{From: name + "." + c.Name, To: fk.parent + "." + fk.key})
			}
		}
	}
	return doc
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
