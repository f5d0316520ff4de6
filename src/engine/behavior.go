package engine

import (
	"fmt"

	"datagen/src/behavior/apply"
	"datagen/src/civil"
)

// behavior prepares the behaviour runtime of a fact with parents whose
// plan links it to segments, a vintage, stages or states.
func (e *engine) behavior(ts *tableState) error {
	t := ts.t
	bt := t.Behavior
	if bt == nil || len(bt.SegmentLinks) == 0 && bt.VintageLink == nil && bt.Stages == nil && bt.States == nil {
		return nil
	}
	parent := e.tables[t.Primary.ID()]
	if parent == nil {
		return fmt.Errorf("table %q: parent %q is not generated yet", t.ID(), t.Primary.ID())
	}
	env := apply.Env{
		Seed: e.opts.Seed, Node: t.Node, Timeframe: e.p.Schema.Timeframe, Tables: e.table, Workers: e.opts.Workers,
		ParentGrows: e.p.Schema.Timeframe.Open && t.Primary.Grows(),
	}
	if tf := e.p.Schema.Timeframe; tf.Open && bt.States != nil {
		// Chains end at the horizon, rounded up to the hour their rows
		// are numbered by (horizonChains).
		t0 := tf.Start.UnixMicro()
		const hour = civil.MicrosPerHour
		env.Until = t0 + (horizon(tf, e.opts.Window)-t0+hour-1)/hour*hour
	}
	if env.ParentGrows && (bt.Stages != nil || bt.States != nil) {
		env.Arrived = e.arrivals(parent)
	}
	rt, err := apply.NewRuntime(bt, env, parent.rows)
	if err != nil {
		return &Error{Table: t.ID(), Err: err}
	}
	ts.beh = rt
	return nil
}

// behFiller returns the behaviour filler of a column, or nil.
func (ts *tableState) behFiller(name string) apply.Filler {
	if ts.beh == nil {
		return nil
	}
	return ts.beh.Filler(name)
}
