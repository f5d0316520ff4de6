package component

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/keboola/manifest"
	"datagen/src/outdir"
	"datagen/src/pipeline"
	"datagen/src/plan"
	"datagen/src/validate"
)

// Options configure a component run.
type Options struct {
	// DataDir overrides KBC_DATADIR when not empty.
	DataDir string
	// Version is the datagen version (recorded in the state).
	Version string
	// Stdout receives the log of a run, or the JSON answer of a sync
	// action (default os.Stdout). Stderr (default os.Stderr) is where the
	// message of a failed run belongs: Run itself never writes there, the
	// caller prints the returned error (the platform turns anything a
	// successful job writes to stderr into an error event).
	Stdout, Stderr io.Writer
	// Environ replaces the process environment when not nil (tests).
	Environ map[string]string
	// Gate, when set, scores the generated tables for the validation gate
	// (parameters.validation). Without it a configured gate is reported as
	// not applied.
	Gate GateFunc
	// commitStep is the transaction's test hook (outdir.Options.Step);
	// wrap, when set, wraps each table's writer (tests cancel inside a
	// table with it).
	commitStep func(entry string) error
	wrap       func(table string, w engine.Writer) engine.Writer
	// now, when set, replaces the clock of continuous runs (tests).
	now func() time.Time
	// Upload, when set, delivers the tables straight to Storage when
	// parameters.upload is configured (see DirectUpload). Without it
	// configured upload parameters are reported as not applied.
	Upload UploadFunc
}

// GateInput is what a quality gate needs to score a run.
type GateInput struct {
	Plan *plan.Plan
	// TablesDir holds the written tables, staged: they are published in
	// data/out/tables only when the gate passes.
	TablesDir string
	Tables    []TableReport
	Log       *logrus.Logger
}

// GateFunc scores the generated tables from 0 to 100.
type GateFunc func(ctx context.Context, in GateInput) (score float64, err error)

// UploadInput is what direct upload needs.
type UploadInput struct {
	// TablesDir holds the tables and their manifests (destination,
	// incremental, columns and types are in the manifests): the run's
	// staging folder, published as out/tables after the upload. Tables
	// the upload removes from it are not published.
	TablesDir string
	Tables    []TableReport
	URL       string
	Token     string
	// DefaultBucket is the bucket of manifests whose destination is a bare
	// table name (storage.output.default_bucket).
	DefaultBucket string
	Env           Env
	Log           *logrus.Logger
}

// UploadFunc uploads the tables of a run.
type UploadFunc func(ctx context.Context, in UploadInput) error

// Summary is the outcome of a successful run.
type Summary struct {
	Tables  []TableReport
	Flavour manifest.Flavour
}

// Run runs the component: it reads the configuration from the data folder,
// generates every table of the schema into out/tables with manifests, and
// writes out/state.json and out/usage.json. A returned *UserError means a
// mistake in the configuration (exit code 1); any other error is an
// application error (exit code 2). Error messages have secrets masked.
func Run(ctx context.Context, o Options) (*Summary, error) {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	e, err := ReadEnv(o.Environ)
	if err != nil {
		return nil, err
	}
	root := o.DataDir
	if root == "" {
		root = e.DataDir
	}
	dd := DataDir{Root: root}
	masker := input.NewMasker(e.Token)
	sum, err := run(ctx, o, e, dd, masker)
	return sum, masker.Error(err)
}

func run(ctx context.Context, o Options, e Env, dd DataDir, masker *input.Masker) (*Summary, error) {
	if err := checkFolder("data folder", dd.Root, ": pass --data-dir or set KBC_DATADIR"); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(dd.ConfigPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, input.Userf("%s is missing: the data folder must hold the configuration", dd.ConfigPath())
	}
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	// Mask secrets even when the rest of the configuration is invalid.
	if root, err := input.Parse(data); err == nil {
		masker.Add(input.Secrets(root)...)
	}
	if action := peekAction(data); action != ActionRun {
		return nil, runAction(ctx, o, action, data, masker)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, err
	}
	p := cfg.Parameters
	log := NewLogger(o.Stdout, masker, p.Debug || e.DebugMode())
	if p.Mode == ModeTwin {
		if p.Schema, err = learnTwin(ctx, dd, p, log); err != nil {
			return nil, err
		}
	}
	pl, schema, err := loadSchema(p, log)
	if err != nil {
		return nil, err
	}
	tableNames, err := checkNames(pl, p.Destination.TablePrefix, log)
	if err != nil {
		return nil, err
	}
	dest := newDestinations(p.Destination.Bucket, cfg.DefaultBucket)
	if dest.fallback && e.InKeboola() {
		log.Warnf("neither parameters.destination.bucket nor the configuration's default bucket is set: the tables go to %s, shared by every configuration without a bucket; set a bucket or turn on the default bucket in the Developer Portal", DefaultBucket)
	}
	if err := dd.Prepare(); err != nil {
		return nil, err
	}
	inState, err := dd.ReadState()
	if err != nil {
		return nil, err
	}
	now := time.Now
	if o.now != nil {
		now = o.now
	}
	win, err := runWindow(&p, schema, inState, now(), log)
	if err != nil {
		return nil, err
	}
	flavour := manifest.ChooseFlavour(e.DataTypeSupport, cfg.DataTypeSupport)
	if p.Parts > 1 && !p.Destination.Incremental && !p.Continuous {
		// A continuous run loads incrementally whatever the destination says.
		log.Warnf("parameters.parts is %d but destination.incremental is false: each part replaces the whole table in Storage; set incremental to true to combine the parts", p.Parts)
	}
	log.WithFields(logrus.Fields{"seed": p.Seed, "scale": p.Scale, "parts": p.Parts, "part": p.Part,
		"bucket": dest.bucket, "manifest": flavour.String()}).
		Infof("Generating %d tables of %q", len(pl.Order), schemaName(schema))

	writers := map[string]*TableWriter{}
	expected := map[string]int64{}
	meta := []manifest.KV{{Key: "datagen.seed", Value: fmt.Sprint(p.Seed)},
		{Key: "datagen.format_version", Value: fmt.Sprint(engine.FormatVersion)},
		{Key: "datagen.schema_sha256", Value: schema.Hash()}}
	// The validation gate checks the tables while they are written.
	var val *validate.Validator
	gate := o.Gate
	if p.Validation.MinScore > 0 && gate == nil {
		if p.Parts > 1 {
			log.Warn("parameters.validation is not applied to a part of a split run; validate the whole table set instead")
			p.Validation.MinScore = 0 // no gate for a part
		} else {
			v, err := validate.New(pl, validate.Options{Version: o.Version, DryRunSample: p.SampleRows})
			if err != nil {
				return nil, err
			}
			val = v
			gate = func(context.Context, GateInput) (float64, error) {
				rep, err := val.Finish()
				if err != nil {
					return 0, err
				}
				log.Infof("Validation: %d checks, %d failed (%d hard), quality score %.1f",
					rep.Summary.TotalValidations, rep.Summary.Failed, rep.Summary.HardFailures, rep.Summary.QualityScore)
				for i, f := range rep.Failures {
					if i == 10 {
						log.Infof("... and %d more failed checks", len(rep.Failures)-10)
						break
					}
					log.Warnf("Check failed: %s: %s", f.Name, f.Message)
				}
				return rep.Summary.QualityScore, nil
			}
		}
	}
	open := func(tx *outdir.Tx, t *plan.Table, fields []column.Field) (engine.Writer, error) {
		name := tableNames[t.ID()]
		exp, ok := expected[t.ID()]
		if !ok {
			exp = -1
		}
		m := manifest.ForNode(t.Node, fields)
		m.Destination, m.Incremental = dest.manifest(name), p.Destination.Incremental || p.Continuous
		m.Metadata = append(meta[:len(meta):len(meta)], manifest.KV{Key: "datagen.kind", Value: string(t.Node.Kind)})
		w, err := NewTableWriter(TableOptions{Dir: tx.Path(tablesFolder), Name: name, Fields: fields, Manifest: m,
			Flavour: flavour, Gzip: p.Output.Gzip, ExpectedRows: exp,
			SlicedAboveRows: p.Output.SlicedAboveRows, SlicedAboveBytes: p.Output.SlicedAboveMB << 20,
			SliceRows: p.Output.SliceRows, SliceBytes: p.Output.SliceMB << 20})
		if err != nil {
			return nil, err
		}
		writers[t.ID()] = w
		if o.wrap != nil {
			return o.wrap(t.ID(), w), nil
		}
		return w, nil
	}
	progress := func(ev engine.Event) {
		if ev.Update {
			return
		}
		if !ev.Done {
			expected[ev.Table] = ev.PartRows
			log.Debugf("Generating table %s (%d rows in this part)", ev.Table, ev.PartRows)
			return
		}
		log.WithFields(logrus.Fields{"rows": ev.Written, "seconds": fmt.Sprintf("%.2f", ev.Duration.Seconds())}).
			Infof("Generated table %s", ev.Table)
	}
	sum := &Summary{Flavour: flavour}
	// finish runs when every table is complete, before anything is
	// published: the gate may still refuse the run, direct upload reads
	// the staged tables, and the state and usage files join the commit.
	finish := func(tx *outdir.Tx, res *engine.Result) error {
		for _, tr := range res.Tables {
			w := writers[tr.ID]
			if w == nil {
				continue
			}
			r := w.Report()
			r.Destination = dest.tableID(r.Table)
			sum.Tables = append(sum.Tables, r)
			f := logrus.Fields{"rows": r.Rows, "file": r.Path}
			if r.Sliced {
				f["slices"] = r.Slices
			}
			// Staged, not yet published: the gate and direct upload
			// may still refuse the run.
			log.WithFields(f).Infof("Staged table %s", r.Destination)
		}
		staged := tx.Path(tablesFolder)
		if err := applyGate(ctx, gate, p.Validation, GateInput{Plan: pl, TablesDir: staged, Tables: sum.Tables, Log: log}, log); err != nil {
			return err
		}
		// Direct upload only when parameters.upload.#storage_token asks
		// for it: a token the platform forwards (KBC_TOKEN) never starts it.
		if p.Upload.Enabled() {
			if o.Upload == nil {
				log.Warn("direct upload is configured but this build cannot upload directly; the tables are left for output mapping")
			} else {
				url := p.Upload.URL
				if url == "" {
					url = e.URL
				}
				if url == "" && e.StackID != "" {
					url = "https://" + e.StackID
				}
				if url == "" {
					return input.Userf("parameters.upload.url: missing: give the Storage API URL of the project, e.g. https://connection.keboola.com")
				}
				if err := o.Upload(ctx, UploadInput{TablesDir: staged, Tables: sum.Tables, URL: url,
					Token: p.Upload.Token, DefaultBucket: dest.bucket, Env: e, Log: log}); err != nil {
					return err
				}
			}
		}
		if p.Mode == ModeTwin {
			if err := writeTwinSchema(tx, p.Schema); err != nil {
				return err
			}
		}
		state := nextState(inState, p, schema, o.Version, sum.Tables)
		setWatermark(state, win)
		for _, f := range []struct {
			name string
			v    any
		}{{stateFile, state}, {usageFile, usageMetrics(sum.Tables)}} {
			b, err := marshalJSON(f.v)
			if err != nil {
				return err
			}
			if err := tx.WriteFile(f.name, b); err != nil {
				return err
			}
		}
		return nil
	}
	start := time.Now()
	_, err = pipeline.Run(ctx, pipeline.Options{Plan: pl,
		Engine: engine.Options{Seed: p.Seed, Workers: p.Workers, Parts: p.Parts, Part: p.Part,
			Scale: p.Scale, SampleRows: p.SampleRows, MaxMemory: p.MaxMemory, Progress: progress, Window: win},
		Dir: dd.Out(), Output: outdir.Options{Folders: []string{tablesFolder, filesFolder}, Replace: []string{tablesFolder}, Step: o.commitStep},
		Open: open, Validator: val, Finish: finish,
		Begun: func(tx *outdir.Tx) {
			if n := tx.Swept(); n > 0 {
				log.Infof("Removed %d temporary entries left by an interrupted run", n)
			}
		}})
	if err != nil {
		return nil, err
	}
	var total int64
	for _, t := range sum.Tables {
		total += t.Rows
	}
	log.WithFields(logrus.Fields{"tables": len(sum.Tables), "rows": total,
		"seconds": fmt.Sprintf("%.2f", time.Since(start).Seconds())}).Info("Done: published the staged tables into out/tables")
	return sum, nil
}

// loadSchema decodes, validates and plans the schema of the parameters.
// Problems are reported with their path under parameters.schema.
func loadSchema(p Parameters, log *logrus.Logger) (*plan.Plan, *dsl.Schema, error) {
	const at = "parameters.schema"
	s, warnings, err := dsl.Parse(p.Schema, dsl.Options{Lenient: p.Lenient})
	for _, w := range input.Problems(warnings).Under(at) {
		log.Warn(w.String())
	}
	if err != nil {
		var ps input.Problems
		var se *input.SyntaxError
		switch {
		case errors.As(err, &ps):
			return nil, nil, input.User(ps.Errors().Under(at))
		case errors.As(err, &se):
			return nil, nil, input.User(input.Problems{{Path: at, Message: se.Error()}})
		}
		return nil, nil, input.Userf("%s: %w", at, err)
	}
	pl, err := plan.New(s)
	if err != nil {
		var ps input.Problems
		if errors.As(err, &ps) {
			return nil, nil, input.User(ps.Under(at))
		}
		return nil, nil, input.Userf("%s: %w", at, err)
	}
	return pl, s, nil
}

// checkNames returns the Storage table name of every node (prefix + id) and
// rejects names Storage does not accept. Column names Storage would
// change are reported as warnings.
func checkNames(pl *plan.Plan, prefix string, log *logrus.Logger) (map[string]string, error) {
	names := map[string]string{}
	var ps input.Problems
	for _, t := range pl.Order {
		name := prefix + t.ID()
		names[t.ID()] = name
		path := fmt.Sprintf("parameters.schema.nodes[%d](%s).id", t.Index, t.ID())
		if !manifest.ValidName(name) {
			ps = append(ps, input.Problem{Path: path, Message: fmt.Sprintf("table name %q is not valid in Keboola Storage: use only letters, digits, '-' and '_'", name)})
		}
		for i, c := range t.Cols {
			n := c.Spec.Name
			if !manifest.ValidName(n) || strings.HasPrefix(n, "_") || strings.HasSuffix(n, "_") ||
				strings.HasPrefix(n, "-") || strings.HasSuffix(n, "-") {
				log.Warnf("parameters.schema.nodes[%d](%s).columns[%d](%s): Keboola Storage column names use only letters, digits, '-' and '_' and do not start or end with '-' or '_'; Storage may rename or reject this column",
					t.Index, t.ID(), i, n)
			}
		}
	}
	if len(ps) > 0 {
		return nil, input.User(ps)
	}
	return names, nil
}

func schemaName(s *dsl.Schema) string {
	if s.Metadata.Name != "" {
		return s.Metadata.Name
	}
	return "schema"
}

// applyGate runs the validation gate when one is configured.
func applyGate(ctx context.Context, gate GateFunc, v Validation, in GateInput, log *logrus.Logger) error {
	if v.MinScore <= 0 {
		return nil
	}
	if gate == nil {
		log.Warnf("parameters.validation.min_score is %g but this build has no validator: the gate was not applied", v.MinScore)
		return nil
	}
	score, err := gate(ctx, in)
	if err != nil {
		return err
	}
	if score >= v.MinScore {
		log.Infof("Validation score %.1f (minimum %g)", score, v.MinScore)
		return nil
	}
	msg := fmt.Sprintf("validation score %.1f is below parameters.validation.min_score %g", score, v.MinScore)
	if v.OnFailure == OnFailureWarn {
		log.Warn(msg)
		return nil
	}
	// The run is refused before anything is published.
	return input.Userf("%s; none of the staged tables was published (out/ is unchanged)", msg)
}

// StateKey is the key of the component's own entry in the state file.
const StateKey = "datagen"

// nextState returns the state to persist: the incoming state with the
// component's entry replaced by a record of this run.
func nextState(in map[string]any, p Parameters, s *dsl.Schema, version string, tables []TableReport) map[string]any {
	out := make(map[string]any, len(in)+1)
	for k, v := range in {
		out[k] = v
	}
	runs := int64(0)
	if prev, ok := in[StateKey].(map[string]any); ok {
		if n, ok := prev["runs"].(json.Number); ok {
			runs, _ = n.Int64()
		}
	}
	rows := map[string]int64{}
	for _, t := range tables {
		rows[t.Table] = t.Rows
	}
	out[StateKey] = map[string]any{
		"runs": runs + 1,
		"last_run": map[string]any{
			"seed": p.Seed, "scale": p.Scale, "parts": p.Parts, "part": p.Part,
			"schema_sha256": s.Hash(), "format_version": engine.FormatVersion,
			"datagen_version": version, "rows": rows,
		},
	}
	return out
}

// destinations names the Storage table of every generated table.
type destinations struct {
	// bucket is the bucket id of every table.
	bucket string
	// bare: the manifests name only the table, so that output mapping
	// puts it into the configuration's default bucket.
	bare bool
	// fallback: no bucket was configured anywhere; DefaultBucket is used.
	fallback bool
}

// newDestinations follows the extractor convention of the platform: an
// explicit parameters.destination.bucket wins; else the configuration's
// default bucket (storage.output.default_bucket), which output mapping
// adds to a manifest destination that is a bare table name; else
// DefaultBucket.
func newDestinations(bucket, defaultBucket string) destinations {
	switch {
	case bucket != "":
		return destinations{bucket: bucket}
	case defaultBucket != "":
		return destinations{bucket: defaultBucket, bare: true}
	}
	return destinations{bucket: DefaultBucket, fallback: true}
}

// manifest returns the destination written into the manifest of table name.
func (d destinations) manifest(name string) string {
	if d.bare {
		return name
	}
	return d.tableID(name)
}

// tableID returns the full Storage table id of table name.
func (d destinations) tableID(name string) string { return d.bucket + "." + name }

// peekAction returns config.json's "action" ("run" when absent or not a
// string; ParseConfig reports a malformed one).
func peekAction(data []byte) string {
	if root, err := input.Parse(data); err == nil {
		if a := root.Get("action"); a != nil && a.Kind == input.StringKind && a.Str != "" {
			return a.Str
		}
	}
	return ActionRun
}
