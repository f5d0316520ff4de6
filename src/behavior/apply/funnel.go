package apply

import (
	"math"

	"datagen/src/behavior"

	"datagen/src/column"
	"datagen/src/rng"
)

// Funnel walks primary-parent rows through the stages of a stage fact.
// Everything about parent row p is a pure function of (key, p): draw 2k of
// p decides whether stage k is reached from stage k-1, draw 2k+1 is the
// gap before it.
type Funnel struct {
	spec *behavior.Stages
	key  rng.Key
	// start is the parent's start time column (nil: no times); end is the
	// timeframe end, after which no stage is observed.
	start *column.Vector
	end   int64
	// mult is the parent row's transition multiplier (nil: all 1).
	mult []float64
	// life, when set, ends each parent's observation at its lifetime end
	// (the declared end_col of the stage time column).
	life *Lifetime
}

// NewFunnel returns the funnel of spec. start is the primary parent's
// start-time column (nil when the fact has no timestamp column), mult the
// per-parent-row transition multipliers (nil for none).
func NewFunnel(spec *behavior.Stages, key rng.Key, start *column.Vector, end int64, mult []float64) *Funnel {
	return &Funnel{spec: spec, key: key, start: start, end: end, mult: mult}
}

func unit(u uint64) float64 { return float64(u>>11) * (1.0 / (1 << 53)) }

// Count returns the number of stages parent row p reaches (0 when its
// start time is null or after the timeframe end). A stage whose time
// would fall after the timeframe end is not reached: the funnel is
// observed until then.
func (f *Funnel) Count(p int64) int64 {
	t := int64(0)
	if f.start != nil {
		if f.start.IsNull(int(p)) {
			return 0
		}
		t = f.start.Ints[p]
	}
	_, end := f.life.bounds(p, 0, f.end)
	if f.start != nil && t > end {
		return 0
	}
	m := 1.0
	if f.mult != nil {
		m = f.mult[p]
	}
	n := int64(1)
	for k := 1; k < len(f.spec.Stages); k++ {
		st := &f.spec.Stages[k]
		if unit(f.key.At(p, uint64(2*k))) >= math.Min(1, st.Rate*m) {
			break
		}
		if f.start != nil {
			t += st.Gap.Draw(unit(f.key.At(p, uint64(2*k+1))))
			if t > end {
				break
			}
		}
		n++
	}
	return n
}

// Time returns the time of stage k of parent row p (k < Count(p)).
func (f *Funnel) Time(p int64, k int) int64 {
	t := f.start.Ints[p]
	for j := 1; j <= k; j++ {
		t += f.spec.Stages[j].Gap.Draw(unit(f.key.At(p, uint64(2*j+1))))
	}
	return t
}

// HasTime reports whether stages have timestamps.
func (f *Funnel) HasTime() bool { return f.start != nil }
