package component

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/outdir"
	"datagen/src/pipeline"
	"datagen/src/plan"
	"datagen/src/sink"
)

// Actions of the component (config.json "action"). Every action other
// than ActionRun is a sync action: the platform waits for it (at most 30
// seconds) and passes what it prints on stdout, which must be JSON, to the
// UI.
const (
	ActionRun            = "run"
	ActionValidateSchema = "validateSchema"
	ActionPreview        = "preview"
)

// SyncActions lists the sync actions, as registered in the Developer
// Portal (component_config/actions.md).
var SyncActions = []string{ActionValidateSchema, ActionPreview}

// previewTimeout leaves the platform's 30-second limit of a sync action
// room for starting the container.
const previewTimeout = 20 * time.Second

// ActionResult is the answer of a sync action behind a validation button
// of the UI: status is always "success" (a failed action exits non-zero
// instead); type is "success", "error" or "table"; message is Markdown.
type ActionResult struct {
	Status  string `json:"status"`
	Type    string `json:"type"`
	Message string `json:"message"`
	// Tables is the preview's data, for clients other than the UI.
	Tables []PreviewTable `json:"tables,omitempty"`
}

// Answer types of ActionResult.
const (
	ResultSuccess = "success"
	ResultError   = "error"
	ResultTable   = "table"
)

// PreviewTable is the sample of one node.
type PreviewTable struct {
	// Node is the node id; Table the Storage table name (prefix + id).
	Node    string     `json:"node"`
	Table   string     `json:"table"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// runAction answers a sync action on o.Stdout with exactly one JSON
// object. A configuration with mistakes is an answer of type "error"
// listing them; only an unknown action or an application failure is an
// error (exit code 1 or 2, message on stderr, nothing on stdout).
func runAction(ctx context.Context, o Options, action string, data []byte, masker *input.Masker) error {
	var res *ActionResult
	var err error
	switch action {
	case ActionValidateSchema:
		res, err = validateAction(ctx, data, masker)
	case ActionPreview:
		res, err = previewAction(ctx, data, masker)
	default:
		return input.Userf("action %q is not supported: the actions are %q and the sync actions %s",
			action, ActionRun, strings.Join(quoteAll(SyncActions), ", "))
	}
	if err != nil {
		return err
	}
	res.Status = "success"
	res.Message = masker.Mask(res.Message)
	for _, t := range res.Tables {
		for _, r := range t.Rows {
			for i, v := range r {
				r[i] = masker.Mask(v)
			}
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("encoding the answer of %s: %w", action, err)
	}
	if _, err := o.Stdout.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing the answer of %s: %w", action, err)
	}
	return nil
}

// checked is a configuration that passed every check of validateSchema.
type checked struct {
	params   Parameters
	plan     *plan.Plan
	names    map[string]string
	estimate *engine.Estimate
	warnings []string
}

// checkConfig runs the checks of `datagen check` on the configuration:
// parameters, schema, plan, Storage names, and a small sample generated
// and thrown away. It returns the problems found (nil checked then), or an
// error that is not the user's mistake.
func checkConfig(ctx context.Context, data []byte, masker *input.Masker) (*checked, input.Problems, []string, error) {
	cfg, err := ParseConfig(data)
	if err != nil {
		ps, err := asProblems(err)
		return nil, ps, nil, err
	}
	var logBuf bytes.Buffer
	log := NewLogger(&logBuf, masker, false)
	warnings := func() []string {
		var ws []string
		for _, l := range strings.Split(logBuf.String(), "\n") {
			if w, ok := strings.CutPrefix(l, "Warning: "); ok {
				ws = append(ws, w)
			}
		}
		return ws
	}
	p := cfg.Parameters
	pl, _, err := loadSchema(p, log)
	if err != nil {
		ps, err := asProblems(err)
		return nil, ps, warnings(), err
	}
	names, err := checkNames(pl, p.Destination.TablePrefix, log)
	if err != nil {
		ps, err := asProblems(err)
		return nil, ps, warnings(), err
	}
	// The bounds of the configured run (docs/limits.md): scale, rows per
	// table and the memory the plan holds, as the run itself checks them.
	est, err := engine.EstimatePlan(pl, engine.Options{Scale: p.Scale, SampleRows: p.SampleRows})
	if err != nil {
		ps, err := asProblems(err)
		for i := range ps {
			if ps[i].Path == "" {
				ps[i].Path = "parameters.scale"
			}
		}
		return nil, ps, warnings(), err
	}
	if limit := p.MaxMemory; limit > 0 && est.Bytes > limit {
		return nil, input.Problems{{Path: "parameters.max_memory", Message: fmt.Sprintf(
			"a run at scale %g needs about %s of memory, more than the limit of %s (raise max_memory, lower scale or rows; see docs/limits.md)",
			p.Scale, engine.FormatBytes(est.Bytes), engine.FormatBytes(limit))}}, warnings(), nil
	}
	if err := pipeline.CheckSample(ctx, pl); err != nil {
		if ps, ok := generationProblem(err); ok {
			return nil, ps, warnings(), nil
		}
		return nil, nil, nil, err
	}
	return &checked{params: p, plan: pl, names: names, estimate: est, warnings: warnings()}, nil, nil, nil
}

// generationProblem turns a generator failure on valid-looking input into
// a problem of the schema.
func generationProblem(err error) (input.Problems, bool) {
	if input.IsUser(err) {
		return input.Problems{{Path: "parameters.schema", Message: "the schema is valid but cannot be generated: " + err.Error()}}, true
	}
	return nil, false
}

// asProblems returns the problems of a user error; any other error is
// returned as is.
func asProblems(err error) (input.Problems, error) {
	if !input.IsUser(err) {
		return nil, err
	}
	var ps input.Problems
	if errors.As(err, &ps) {
		return ps, nil
	}
	return input.Problems{{Message: err.Error()}}, nil
}

// validateAction answers validateSchema.
func validateAction(ctx context.Context, data []byte, masker *input.Masker) (*ActionResult, error) {
	c, ps, warnings, err := checkConfig(ctx, data, masker)
	if err != nil {
		return nil, err
	}
	if ps != nil {
		return problemsResult(ps, warnings), nil
	}
	cols := 0
	for _, t := range c.plan.Order {
		cols += len(t.Cols)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "![success]() The configuration is valid: %d tables, %d columns; a run needs about %s of memory.\n",
		len(c.plan.Order), cols, engine.FormatBytes(c.estimate.Bytes))
	writeWarnings(&b, c.warnings)
	return &ActionResult{Type: ResultSuccess, Message: b.String()}, nil
}

// problemsResult lists every problem with its JSON path.
func problemsResult(ps input.Problems, warnings []string) *ActionResult {
	var b strings.Builder
	noun := "problems"
	if len(ps) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "![error]() The configuration has %d %s:\n\n", len(ps), noun)
	for _, p := range ps {
		msg := p.Message
		if p.Suggestion != "" {
			msg += " (" + p.Suggestion + ")"
		}
		if p.Path == "" {
			fmt.Fprintf(&b, "- %s\n", mdEscape(msg))
			continue
		}
		fmt.Fprintf(&b, "- `%s`: %s\n", strings.ReplaceAll(p.Path, "`", "'"), mdEscape(msg))
	}
	writeWarnings(&b, warnings)
	return &ActionResult{Type: ResultError, Message: b.String()}
}

func writeWarnings(b *strings.Builder, warnings []string) {
	if len(warnings) == 0 {
		return
	}
	b.WriteString("\n![warning]() Warnings:\n\n")
	for _, w := range warnings {
		fmt.Fprintf(b, "- %s\n", mdEscape(w))
	}
}

// mdEscape keeps a message literal in Markdown: one line, and no character
// that would start emphasis, a link, code, HTML or a table cell.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|#", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// previewAction answers preview: the first parameters.preview_rows rows of
// every table, generated in a temporary folder outside the data folder.
func previewAction(ctx context.Context, data []byte, masker *input.Masker) (*ActionResult, error) {
	c, ps, warnings, err := checkConfig(ctx, data, masker)
	if err != nil {
		return nil, err
	}
	if ps != nil {
		return problemsResult(ps, warnings), nil
	}
	tables, err := previewTables(ctx, c)
	if err != nil {
		if ps, ok := generationProblem(err); ok {
			return problemsResult(ps, c.warnings), nil
		}
		return nil, err
	}
	var b strings.Builder
	for i, t := range tables {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "### %s\n\n", mdEscape(t.Table))
		writeMarkdownTable(&b, t)
	}
	writeWarnings(&b, c.warnings)
	return &ActionResult{Type: ResultTable, Message: b.String(), Tables: tables}, nil
}

// previewTables generates the sample with the configuration's seed and
// scale and reads it back as the CSV strings a run writes.
func previewTables(ctx context.Context, c *checked) ([]PreviewTable, error) {
	dir, err := os.MkdirTemp("", "datagen-preview-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary folder for the preview: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(ctx, previewTimeout)
	defer cancel()
	p := c.params
	open := func(t *plan.Table, fields []column.Field) (engine.Writer, error) {
		return sink.Open(dir, t.ID(), sink.CSV, fields, sink.Options{})
	}
	_, err = engine.Run(ctx, c.plan, engine.Options{Seed: p.Seed, Scale: p.Scale, Workers: p.Workers,
		SampleRows: p.PreviewRows, Open: open})
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, input.Userf("the preview did not finish within %s; lower parameters.preview_rows", previewTimeout)
		}
		return nil, err
	}
	out := make([]PreviewTable, 0, len(c.plan.Order))
	for _, t := range c.plan.Order {
		recs, err := readCSVFile(filepath.Join(dir, outdir.TableFile(t.ID(), outdir.CSV, false, outdir.Part{})))
		if err != nil || len(recs) == 0 {
			return nil, fmt.Errorf("reading the preview of %s: %v", t.ID(), err)
		}
		rows := recs[1:]
		if rows == nil {
			rows = [][]string{}
		}
		out = append(out, PreviewTable{Node: t.ID(), Table: c.names[t.ID()], Columns: recs[0], Rows: rows})
	}
	return out, nil
}

// writeMarkdownTable renders a preview table.
func writeMarkdownTable(w io.StringWriter, t PreviewTable) {
	row := func(cells []string) {
		_, _ = w.WriteString("|")
		for _, c := range cells {
			_, _ = w.WriteString(" " + mdEscape(c) + " |")
		}
		_, _ = w.WriteString("\n")
	}
	row(t.Columns)
	_, _ = w.WriteString("|" + strings.Repeat(" --- |", len(t.Columns)) + "\n")
	for _, r := range t.Rows {
		row(r)
	}
	if len(t.Rows) == 0 {
		_, _ = w.WriteString("\n(no rows)\n")
	}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// readCSVFile reads every record of a CSV file.
func readCSVFile(path string) ([][]string, error) {
	r, closeFn, err := outdir.OpenCSV(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	c := outdir.NewCSVReader(r, outdir.KeboolaCSV)
	var out [][]string
	for {
		err := c.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c.Fields())
	}
}
