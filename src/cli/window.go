package cli

import (
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"datagen/src/civil"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/outdir"
)

// windowFlagsGiven refuses an empty --from or --until: left out, a side
// is unbounded, but given empty it is a mistake (an unset variable).
func windowFlagsGiven(cmd *cobra.Command) error {
	for _, name := range []string{"from", "until"} {
		if cmd.Flags().Changed(name) && strings.TrimSpace(cmd.Flags().Lookup(name).Value.String()) == "" {
			return usagef("--%s is empty: give an ISO 8601 instant (e.g. 2025-01-01 or 2025-01-01T06:00:00Z), or leave the flag out", name)
		}
	}
	return nil
}

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
			if strings.Trim(b.val, "0123456789") == "" {
				return nil, usagef("%s %s: want an ISO 8601 date or instant, such as 2025-01-01, 2025-01-01T06:00:00Z or 2025-01-01T08:00:00+02:00 (a Unix timestamp is not one)", b.flag, b.val)
			}
			return nil, usagef("%s: %v (want an ISO 8601 date or instant, such as 2025-01-01, 2025-01-01T06:00:00Z or 2025-01-01T08:00:00+02:00)", b.flag, err)
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
	if end := tf.End.UnixMicro() + 1; tf.Open && w != nil && w.Until != math.MaxInt64 && w.Until > end {
		return nil, usagef("--until %s is after the end of the open timeline's reference span, %s (timeframe.start + %d years)",
			civil.FormatTimestamp(w.Until), civil.FormatTimestamp(end), dsl.OpenSpanYears)
	}
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
