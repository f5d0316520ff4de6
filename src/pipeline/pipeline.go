// Package pipeline is the one path from a plan to a committed output
// folder, used by `datagen generate` (with or without --validate) and by
// the Keboola component:
//
//	plan ─► engine.Run ─► Writer per table ─► staging folder (outdir.Tx)
//	                    └► validator (tee)  ─► report / gate ─► Tx.Commit
//
// The engine writes every table through the writer the caller opens
// inside the transaction's staging folder, optionally teed to a
// validator fed from the same blocks; when every table is complete the
// caller stages the run's other files (metadata, report, manifests,
// state) and may still refuse the run; then the transaction publishes
// everything at once. A failure or cancellation at any point commits
// nothing and leaves an earlier output as it was.
package pipeline

import (
	"context"
	"fmt"
	"path"
	"time"

	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/objstore"
	"datagen/src/outdir"
	"datagen/src/plan"
	"datagen/src/sink"
	"datagen/src/validate"
)

// OpenFunc opens the writer of table t; it writes into tx's staging
// folder (tx.Path).
type OpenFunc func(tx *outdir.Tx, t *plan.Table, fields []column.Field) (engine.Writer, error)

// Options describe a run.
type Options struct {
	Plan *plan.Plan
	// Engine holds the engine's options; Open is set by Run.
	Engine engine.Options
	// Dir is the output folder and Output the transaction's options.
	Dir    string
	Output outdir.Options
	// Store, when set, is where the run is published instead of Dir:
	// the objects under Prefix (outdir.BeginRemote).
	Store  objstore.Store
	Prefix string
	// Open opens each table's writer.
	Open OpenFunc
	// Validator, when set, receives every block of every table as it is
	// written (the validation tee).
	Validator *validate.Validator
	// Finish, when set, runs after the last table is complete and before
	// the commit: it stages the run's other files into tx and may refuse
	// the run by returning an error (nothing is then committed).
	Finish func(tx *outdir.Tx, res *engine.Result) error
	// Begun, when set, is called once the transaction has begun (for
	// example to report the stale files it swept).
	Begun func(tx *outdir.Tx)
}

// Run generates the tables of o.Plan and commits them with the files
// Finish stages, in one transaction. Its error wraps the cause; classify
// it with input.IsUser (schema and data problems are user errors; a
// cancellation wraps the context's error).
func Run(ctx context.Context, o Options) (*engine.Result, error) {
	var tx *outdir.Tx
	var err error
	if o.Store != nil {
		tx, err = outdir.BeginRemote(ctx, o.Store, o.Prefix, o.Output)
	} else {
		tx, err = outdir.Begin(o.Dir, o.Output)
	}
	if err != nil {
		return nil, fmt.Errorf("preparing the output folder: %w", err)
	}
	defer tx.Abort() // after a successful Commit it does nothing
	if o.Begun != nil {
		o.Begun(tx)
	}
	eo := o.Engine
	eo.Open = func(t *plan.Table, fields []column.Field) (engine.Writer, error) {
		w, err := o.Open(tx, t, fields)
		if err != nil || o.Validator == nil {
			return w, err
		}
		vw, err := o.Validator.Table(t.ID(), fields)
		if err != nil {
			w.Abort()
			return nil, err
		}
		return Tee(w, vw), nil
	}
	res, err := engine.Run(ctx, o.Plan, eo)
	if err != nil {
		return nil, fmt.Errorf("generation failed; no table was written: %w", err)
	}
	if o.Finish != nil {
		if err := o.Finish(tx, res); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("no table was written: %w", err)
	}
	return res, nil
}

// Tee returns a writer that writes every block to file and then to val,
// and commits and aborts both. When file encodes blocks concurrently
// (engine.Encoder), so does the tee: the validator reads the same blocks.
func Tee(file, val engine.Writer) engine.Writer {
	t := tee{file: file, val: val}
	if e, ok := file.(engine.Encoder); ok {
		return encodingTee{t, e}
	}
	return t
}

type tee struct{ file, val engine.Writer }

func (t tee) WriteBlock(b *column.Block) error {
	if err := t.file.WriteBlock(b); err != nil {
		return err
	}
	return t.val.WriteBlock(b)
}

func (t tee) Commit() error {
	if err := t.file.Commit(); err != nil {
		t.val.Abort()
		return err
	}
	return t.val.Commit()
}

func (t tee) Abort() { t.file.Abort(); t.val.Abort() }

type encodingTee struct {
	tee
	enc engine.Encoder
}

func (t encodingTee) EncodeBlock(b *column.Block, dst []byte) ([]byte, error) {
	return t.enc.EncodeBlock(b, dst)
}

func (t encodingTee) WriteEncoded(b *column.Block, p []byte) error {
	if err := t.enc.WriteEncoded(b, p); err != nil {
		return err
	}
	return t.val.WriteBlock(b)
}

// TableFiles returns the OpenFunc of `datagen generate`: each table is
// one file of each of formats in the output folder (one generation, a
// writer per format teed together), named by outdir.TableFile for part;
// files receives each table's file name in the first format by node id.
func TableFiles(formats []sink.Format, opts sink.Options, part outdir.Part, files map[string]string) OpenFunc {
	return func(tx *outdir.Tx, t *plan.Table, fields []column.Field) (engine.Writer, error) {
		var w engine.Writer
		for i, format := range formats {
			if i == 0 {
				files[t.ID()] = outdir.TableFile(t.ID(), string(format), format == sink.CSV && opts.Gzip, part)
			}
			base := outdir.TableBase(t.ID(), part)
			o := opts
			if tx.Remote() {
				// The file streams to its object.
				o.Create = func(file string) (sink.Destination, error) { return tx.Create(path.Join(path.Dir(base), file)) }
			}
			fw, err := sink.Open(tx.Path(path.Dir(base)), path.Base(base), format, fields, o)
			if err != nil {
				if w != nil {
					w.Abort()
				}
				return nil, err
			}
			if w == nil {
				w = fw
			} else {
				w = Tee(w, fw)
			}
		}
		return w, nil
	}
}

// Metadata builds the .metadata.json of the run res of plan p; files maps a node id to
// the name of its file.
func Metadata(p *plan.Plan, info outdir.RunInfo, res *engine.Result, files map[string]string) *outdir.Metadata {
	now := time.Now
	if info.Now != nil {
		now = info.Now
	}
	parts := max(info.Part.N, 1)
	m := &outdir.Metadata{
		DatasetName: p.Schema.Metadata.Name, SchemaHash: "sha256:" + p.Schema.Hash(), Seed: info.Seed,
		FormatVersion: engine.FormatVersion, DatagenVersion: info.Version,
		GeneratedAt: now().UTC().Format(time.RFC3339), Format: info.Format, Scale: info.Scale,
		SampleRows: info.SampleRows, Parts: parts, Part: &info.Part.K, Workers: info.Workers, Window: info.Window,
		Seconds: res.Duration.Seconds(), Tables: map[string]outdir.TableMetadata{},
	}
	for _, tr := range res.Tables {
		t := p.ByID[tr.ID]
		cols := make([]string, 0, len(t.Cols))
		for _, c := range t.Cols {
			cols = append(cols, c.Spec.Name)
		}
		history := ""
		if t.Node.History != nil {
			history = t.Node.History.As
		}
		m.Tables[tr.ID] = outdir.TableMetadata{Kind: string(t.Node.Kind), File: files[tr.ID], Rows: tr.Rows, Written: tr.Written,
			Columns: cols, PrimaryKey: t.Node.HistoryKey(), History: history, Seconds: tr.Duration.Seconds()}
		m.Order = append(m.Order, tr.ID)
	}
	return m
}

// PartFiles describes the table files a part staged in tx, for its
// manifest: each table's file in each of formats with its rows, size and
// SHA-256.
func PartFiles(tx *outdir.Tx, res *engine.Result, formats []sink.Format, opts sink.Options, part outdir.Part) ([]outdir.FileInfo, error) {
	var out []outdir.FileInfo
	for _, tr := range res.Tables {
		for _, format := range formats {
			rel := outdir.TableFile(tr.ID, string(format), format == sink.CSV && opts.Gzip, part)
			size, sum, err := tx.Digest(rel)
			if err != nil {
				return nil, err
			}
			out = append(out, outdir.FileInfo{Path: rel, Table: tr.ID, Format: string(format), Part: part.K,
				Rows: tr.Written, Bytes: size, SHA256: sum})
		}
	}
	return out, nil
}
