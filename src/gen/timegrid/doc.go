// Package timegrid builds the time grids of the datetime_series generator
// and samples instants from them, uniformly or weighted by time patterns,
// without materialising the grid (a year at one-second resolution is
// 31.5 million instants).
//
// # Grids
//
// ParseFreq reads a pandas-style frequency ("H", "15min", "B", "W-MON",
// "M", "QS", "YE-JUN", "1h30min", …) and NewGrid builds the instants of
// pandas.date_range(start, end, freq): tick frequencies step from start
// exactly; anchored ones roll start forward to the first on-offset date,
// keep start's time of day and step by their multiple; both ends are
// included when on the grid. A Grid is a lattice: instant k is phi(j0+k·n)
// for an O(1) map phi (start plus a multiple of the step, the k-th weekday,
// the end of the k-th month, …) whose inverse is O(1) too, so Len, At and
// Search need no memory at all. NewGridInZone anchors days, weekdays and
// months on a fixed-offset wall clock, as pandas does for start and end
// strings carrying an offset.
//
// One deliberate difference from pandas ≤ 3.0: when start is on-offset and
// end is not, pandas rolls end back to the previous on-offset date while
// keeping end's time of day, so the last instant is dropped if end's time
// of day is earlier than start's (date_range("2019-04-30 00:02",
// "2019-07-01 00:01", freq="M") misses 2019-06-30 00:02). That was
// reported as a pandas bug (GH 27337, GH 35342) and later fixed there; this
// package includes every on-offset instant in [start, end].
//
// # Sampling with patterns
//
// A pattern gives weights to the hours of the day, the days of the week
// or the months; the probability of instant t is
//
//	P(t) = Π_k w_k[dim_k(t)] / Σ_s Π_k w_k[dim_k(s)],
//
// the sum running over all instants s of the grid, so a bucket's share
// also depends on how many instants it holds (a quarter with 13 Mondays
// and 12 Sundays). Patterns of one dimension multiply element-wise, so the
// weight of an instant factors as W_month · W_dow · W_hour. Within one
// wall-clock day the month and weekday are fixed, and within one hour of
// it the weight is constant. NewSampler exploits this in three exact
// levels:
//
//  1. Units. If the grid is anchored (at most one instant a day), has at
//     most 4,096 instants, or has no more instants than days, each instant
//     is a unit. Otherwise (a sub-daily tick grid) each wall-clock day is a
//     unit, with mass W_month·W_dow·Σ_h W_hour[h]·count(day, h), where
//     count(day, h) is the number of instants in that hour, computed by
//     arithmetic on the lattice. A Walker alias table over the unit masses
//     gives O(1) draws; their prefix sums serve interval sampling.
//  2. Hour. Inside the chosen day the hour is drawn with mass
//     W_hour[h]·count(day, h). For tick grids whose step divides a day all
//     days strictly between the first and last one have identical counts,
//     so one 24-entry alias table serves them; the first and last day, and
//     every day of a grid whose step does not divide a day (7min, 5h), are
//     handled by computing the 24 masses on the fly, still O(1), without a
//     division per hour, and allocation-free.
//  3. Instant. All instants of the chosen hour have the same weight: one is
//     drawn uniformly by index.
//
// Every level draws from the exact conditional distribution, so the result
// has exactly the probabilities P(t) (up to float64 rounding of the
// weights). Memory is 20 bytes per unit, so at most the larger of 82 KB
// and 20 bytes per day of the range (7 KB for a year of seconds).
// Without patterns the sampler keeps no table and draws k uniformly.
//
// SampleBetween draws from the same distribution conditioned on an
// interval [lo, hi]: whole units come from a binary search in the prefix
// sums, the partial days at either end from their on-the-fly masses.
package timegrid
