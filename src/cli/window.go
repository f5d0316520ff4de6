package cli

import (
	"time"

	"datagen/src/civil"
	"datagen/src/engine"
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
