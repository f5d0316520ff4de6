package cli

import (
	"math"
	"time"

	"datagen/src/civil"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/outdir"
)

// window returns the time window of --from and --until, or nil when
// neither is given.
func (f generateFlags) window() (*engine.Window, error) {
	if f.from == "" && f.until == "" {
		return nil, nil
	}
	var from, until time.Time
	for _, b := range []struct {
		flag, val string
		dst       *time.Time
	}{{"--from", f.from, &from}, {"--until", f.until, &until}} {
		if b.val == "" {
			continue
		}
		t, err := civil.ParseTimestamp(b.val)
		if err != nil {
			return nil, usagef("%s: %v (e.g. 2025-01-01 or 2025-01-01T06:00:00Z)", b.flag, err)
		}
		*b.dst = t
	}
	w, err := engine.NewWindow(from, until)
	if err != nil {
		return nil, usagef("--from %s --until %s: %v", f.from, f.until, err)
	}
	return w, nil
}

// openWindow ends the window of a run of an open timeline at now when
// --until is not given: an open timeline has no end of its own.
func openWindow(tf dsl.Timeframe, w *engine.Window, now time.Time) (*engine.Window, error) {
	if !tf.Open || w != nil && w.Until != math.MaxInt64 {
		return w, nil
	}
	from := time.Time{}
	if w != nil {
		from = time.UnixMicro(w.From).UTC()
	}
	w, err := engine.NewWindow(from, now.UTC().Truncate(time.Second))
	if err != nil {
		return nil, usagef("--from %s: %v (the timeline is open and --until defaults to now)", civil.FormatTimestamp(from.UnixMicro()), err)
	}
	return w, nil
}

// windowInfo describes window w for .metadata.json (nil: no window).
func windowInfo(w *engine.Window) *outdir.Window {
	if w == nil {
		return nil
	}
	side := func(us int64) string {
		if us == math.MinInt64 || us == math.MaxInt64 {
			return ""
		}
		return civil.FormatTimestamp(us)
	}
	return &outdir.Window{From: side(w.From), Until: side(w.Until)}
}
