// Package apply applies the behaviour blocks that package behavior
// resolved, during generation: it decides the number of rows of each
// primary-parent row (segments, vintage thinning, funnels, state
// machines), fills the columns a behaviour defines and scales the value
// columns. Everything is a pure function of the seed, the parents' rows and
// the row index, so any row range can be generated anywhere.
package apply
