package cli

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/objstore"
	"datagen/src/outdir"
	"datagen/src/plan"
	"datagen/src/sink"
)

// Clock is the time generate --follow sees: tests replace the system
// clock with one that advances without waiting.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// systemClock is the wall clock.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// stdoutDir is the output directory that means NDJSON on stdout.
const stdoutDir = "-"

// checkStream rejects the flags that --follow and -o - cannot honour.
func (f generateFlags) checkStream() error {
	if f.follow && f.tick <= 0 {
		return usagef("--tick must be positive, got %s", f.tick)
	}
	if f.out != stdoutDir && !f.follow {
		return nil
	}
	what := "--follow"
	if f.out == stdoutDir {
		what = "-o - (NDJSON on stdout)"
	}
	switch {
	case f.validate:
		return usagef("%s cannot be combined with --validate: validate a run written to a folder", what)
	case f.upload:
		return usagef("%s cannot be combined with --upload", what)
	case f.out != stdoutDir:
	case f.formatSet:
		return usagef("%s writes NDJSON: --format %s cannot apply; write to a folder (-o DIR) for csv or parquet", what, f.format)
	case f.compressSet:
		return usagef("%s writes NDJSON: --compression (Parquet) cannot apply", what)
	}
	return nil
}

// follow writes the rows of the run whose time has passed the clock, then
// keeps writing, every f.tick, the rows whose time has passed since: the
// windows [from, now), [now, now'), ... The rows of a window are those a
// windowed generate writes, so the stream holds exactly the rows of one
// run over the whole span, whatever the ticks. It ends after the window
// that reaches --until, or, without --until, the end of the timeframe (the
// last window is then unbounded, so that no row is left behind); a signal
// ends it between two windows or inside one (the rows written stay
// written).
func (e *cliEnv) follow(ctx context.Context, p *plan.Plan, f generateFlags, win *engine.Window) error {
	wm, stop := int64(math.MinInt64), int64(math.MaxInt64)
	if win != nil {
		wm, stop = win.From, win.Until
	}
	end := p.Schema.Timeframe.End.UnixMicro()
	if objstore.IsURL(f.out) {
		if err := e.recoverWindows(ctx, f); err != nil {
			return err
		}
	}
	for {
		now := e.clock.Now().UnixMicro()
		until, last := now, false
		switch {
		case stop != math.MaxInt64 && now >= stop:
			until, last = stop, true
		case stop == math.MaxInt64 && now > end:
			until, last = stop, true
		}
		if until > wm {
			if err := e.emitWindow(ctx, p, f, &engine.Window{From: wm, Until: until}); err != nil {
				return err
			}
			wm = until
		}
		if last {
			return nil
		}
		select {
		case <-e.clock.After(f.tick):
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// emitWindow writes the rows of window w: as NDJSON on stdout, or as the
// tables of a folder named after the window under the output directory
// (without the progress of each table). Unless --quiet, it then reports
// the window on stderr: one line, or one JSON object with --log-format
// json.
func (e *cliEnv) emitWindow(ctx context.Context, p *plan.Plan, f generateFlags, w *engine.Window) error {
	quiet := f.noProgress
	var rows int64
	var err error
	folder := ""
	if f.out != stdoutDir {
		if objstore.IsURL(f.out) {
			f.out = strings.TrimSuffix(f.out, "/") + "/" + windowFolder(w)
		} else {
			f.out = filepath.Join(f.out, windowFolder(w))
		}
		f.noProgress = true
		folder = f.out
		rows, err = e.generatePlan(ctx, p, f, w)
	} else {
		rows, err = e.generateStdout(ctx, p, f, w)
	}
	if err != nil || quiet {
		return err
	}
	from, until := bound(w.From, "begin", civil.FormatTimestamp), bound(w.Until, "end", civil.FormatTimestamp)
	msg := fmt.Sprintf("window [%s, %s): %d rows", from, until, rows)
	if folder != "" {
		msg += " in " + folder
	}
	if e.logFormat == "json" {
		fields := logrus.Fields{"from": from, "until": until, "rows": rows}
		if folder != "" {
			fields["folder"] = folder
		}
		e.newLogger(e.stderr).WithFields(fields).Info(msg)
		return nil
	}
	fmt.Fprintln(e.stderr, msg)
	return nil
}

// recoverWindows rolls back the window commits into object storage that
// a killed follow left half done (see outdir.RecoverRemote), so that
// every window folder under the prefix is whole, with its .metadata.json,
// or absent; it reports each on stderr unless --quiet. A stream is the
// one writer of its prefix (two streams into one prefix are not
// supported), so every journal found is a dead stream's, however young:
// a restarted stream's first window is another folder, and the killed
// window's tables would otherwise stay visible beside it.
func (e *cliEnv) recoverWindows(ctx context.Context, f generateFlags) error {
	store, loc, err := e.openStore(ctx, f.out, "-o "+f.out)
	if err != nil {
		return err
	}
	recs, comps, err := outdir.RecoverRemote(ctx, store, loc.Prefix, time.Now(), 0)
	if err != nil {
		return fmt.Errorf("recovering interrupted windows under %s: %w", f.out, err)
	}
	if f.noProgress {
		return nil
	}
	for _, r := range recs {
		if !r.Forward {
			fmt.Fprintf(e.stderr, "%s: %s\n", f.out, r)
		}
	}
	if comps > 0 {
		fmt.Fprintf(e.stderr, "%s: removed %d upload component(s) that a killed process left\n", f.out, comps)
	}
	return nil
}

// generateStdout writes the rows of window win (nil: all) to stdout as
// NDJSON, table after table in generation order, and returns their
// number.
func (e *cliEnv) generateStdout(ctx context.Context, p *plan.Plan, f generateFlags, win *engine.Window) (int64, error) {
	maxMem, _ := engine.ParseBytes(f.maxMemory)
	res, err := engine.Run(ctx, p, engine.Options{Seed: f.seed, Workers: f.workers, BlockRows: f.blockRows,
		Parts: f.parts, Part: f.part, Scale: f.scale, SampleRows: f.sample, MaxMemory: maxMem, Window: win,
		Open: func(t *plan.Table, fields []column.Field) (engine.Writer, error) {
			return sink.NewNDJSON(e.stdout, t.ID(), fields), nil
		}})
	if err != nil {
		return 0, err
	}
	var rows int64
	for _, t := range res.Tables {
		rows += t.Written
	}
	return rows, nil
}

// windowFolder names the folder of window w: its bounds in UTC, "begin"
// and "end" for an unbounded side, so that folders sort in time order.
func windowFolder(w *engine.Window) string {
	name := func(us int64) string { return time.UnixMicro(us).UTC().Format("20060102T150405.000000Z") }
	return bound(w.From, "begin", name) + "--" + bound(w.Until, "end", name)
}

// bound renders one side of a window: unbounded when it is the least or
// greatest instant, else format(us).
func bound(us int64, unbounded string, format func(int64) string) string {
	if us == math.MinInt64 || us == math.MaxInt64 {
		return unbounded
	}
	return format(us)
}
