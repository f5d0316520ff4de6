package component

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"datagen/src/civil"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/input"
)

// watermarkKey is the key of the watermark in the component's state entry:
// the end (exclusive, ISO 8601 UTC) of the time window the last successful
// continuous run wrote.
const watermarkKey = "watermark"

// clockSkew is how far a watermark may be ahead of the time of a run:
// the run that set it may have run on a machine whose clock was ahead.
// Such a run writes an empty window; a watermark further ahead is an
// error.
const clockSkew = time.Minute

// runWindow returns the time window of a run. A continuous run writes
// from the watermark of the previous successful run (unbounded on the
// first run) until now. The platform keeps out/state.json only when a job
// succeeds, and the run writes it only in its commit, after the tables: a
// failed run leaves the watermark where it was, and the next run repeats
// its window. A window is not a whole data set (an order line's order may
// be in an earlier window), so the validation gate is turned off, with a
// warning.
//
// A run that is not continuous writes every row, up to now when the
// timeline is open (it has no end of its own).
func runWindow(p *Parameters, s *dsl.Schema, in map[string]any, now time.Time, log *logrus.Logger) (*engine.Window, error) {
	if !p.Continuous {
		if s.Timeframe.Open {
			return &engine.Window{From: math.MinInt64, Until: now.Truncate(time.Second).UnixMicro()}, nil
		}
		return nil, nil
	}
	if p.Validation.MinScore > 0 {
		log.Warn("parameters.validation is not applied to a continuous run: its window is not a whole data set; validate a run without continuous instead")
		p.Validation.MinScore = 0
	}
	w := &engine.Window{From: math.MinInt64, Until: now.Truncate(time.Second).UnixMicro()}
	from, ok, err := readWatermark(in)
	if err != nil {
		return nil, err
	}
	if ok {
		w.From = from
		if changed := changedSince(in, p, s); changed != "" {
			log.Warnf("the %s changed since the run that set the watermark: the new rows follow the new %s and may not match the rows already loaded; to start over, clear the configuration's state and the tables", changed, changed)
		}
		if w.Until < w.From {
			if w.From-w.Until > clockSkew.Microseconds() {
				// No run set it: generating up to it would write rows of
				// the future, and the next runs would skip the time
				// between now and then.
				return nil, input.Userf("in/state.json: %s.%s is %s, after the time of this run %s: "+
					"a run writes the rows from the watermark to its own time; to start over, remove %s.%s from the configuration's state (and truncate the tables)",
					StateKey, watermarkKey, civil.FormatTimestamp(w.From), civil.FormatTimestamp(w.Until), StateKey, watermarkKey)
			}
			// The clock is a little behind the one of the run that set the
			// watermark: nothing new, and the watermark stays.
			w.Until = w.From
		}
		log.Infof("Continuous run: the rows of [%s, %s)", civil.FormatTimestamp(w.From), civil.FormatTimestamp(w.Until))
	} else {
		log.Infof("Continuous run, the first: the rows before %s (from the timeframe's start %s)",
			civil.FormatTimestamp(w.Until), civil.FormatTimestamp(s.Timeframe.Start.UnixMicro()))
	}
	if end := s.Timeframe.End.UnixMicro(); w.From > end {
		log.Warnf("the watermark %s is past the timeframe's end %s: no new rows", civil.FormatTimestamp(w.From), civil.FormatTimestamp(end))
	}
	return w, nil
}

// readWatermark returns the watermark of the component's state entry (µs),
// and false when there is none (the first continuous run).
func readWatermark(in map[string]any) (int64, bool, error) {
	entry, _ := in[StateKey].(map[string]any)
	v, ok := entry[watermarkKey]
	if !ok || v == nil {
		return 0, false, nil
	}
	s, ok := v.(string)
	if !ok {
		return 0, false, input.Userf("in/state.json: %s.%s must be an ISO 8601 instant, got %v", StateKey, watermarkKey, v)
	}
	t, err := civil.ParseTimestamp(s)
	if err != nil {
		return 0, false, input.Userf("in/state.json: %s.%s: %v", StateKey, watermarkKey, err)
	}
	return t.UnixMicro(), true, nil
}

// setWatermark records the end of window w as the watermark in the state
// st that nextState built.
func setWatermark(st map[string]any, w *engine.Window) {
	if entry, ok := st[StateKey].(map[string]any); ok && w != nil {
		entry[watermarkKey] = civil.FormatTimestamp(w.Until)
	}
}

// changedSince names what of the schema, the seed, the scale, the number
// of parts, the part and the format version differs from the last run
// recorded in the state ("" when nothing does).
func changedSince(in map[string]any, p *Parameters, s *dsl.Schema) string {
	entry, _ := in[StateKey].(map[string]any)
	last, _ := entry["last_run"].(map[string]any)
	if last == nil {
		return ""
	}
	var changed []string
	if h, ok := last["schema_sha256"].(string); ok && h != s.Hash() {
		changed = append(changed, "schema")
	}
	if n, ok := last["seed"].(json.Number); ok && n.String() != strconv.FormatInt(p.Seed, 10) {
		changed = append(changed, "seed")
	}
	if n, ok := last["scale"].(json.Number); ok {
		if f, err := n.Float64(); err != nil || f != p.Scale {
			changed = append(changed, "scale")
		}
	}
	if n, ok := last["parts"].(json.Number); ok && n.String() != strconv.Itoa(p.Parts) {
		changed = append(changed, "number of parts")
	}
	if n, ok := last["part"].(json.Number); ok && n.String() != strconv.Itoa(p.Part) {
		changed = append(changed, "part")
	}
	if n, ok := last["format_version"].(json.Number); ok && n.String() != strconv.Itoa(engine.FormatVersion) {
		changed = append(changed, "format version")
	}
	if len(changed) < 2 {
		return strings.Join(changed, "")
	}
	return strings.Join(changed[:len(changed)-1], ", ") + " and " + changed[len(changed)-1]
}
