// Package behavior implements the behaviour blocks of the DSL:
// segment_behavior and vintage_behavior on the tables that children refer
// to, stage_config (funnels) and state_transition_model (per-period state
// machines) on facts. Resolve parses and validates the blocks of a schema
// (every problem with its JSON path) and links each fact to the behaviour
// of its parents; Runtime applies them during generation. Everything is a
// pure function of the seed, the parents' rows and the row index, so any
// row range can be generated anywhere. docs/behavior.md is the user
// reference.
package behavior
