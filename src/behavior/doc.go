// Package behavior reads and resolves the behaviour blocks of the DSL:
// segment_behavior and vintage_behavior on the tables that children refer
// to, stage_config (funnels) and state_transition_model (per-period state
// machines) on facts. Resolve parses and validates the blocks of a schema
// (every problem with its JSON path) and links each fact to the behaviour
// of its parents. It also holds the calendar of ages and curves the blocks
// are written in. Planning uses it; it depends on no generator. Package
// behavior/apply applies the resolved blocks during generation.
// docs/behavior.md is the user reference.
package behavior
