package column

// Versions holds the later values of a column whose rows change over
// time (an entity column with history): the changes of row j are
// [Off[j], Off[j+1]) of At and Vals, in time order. Change k gives the
// row the value Vals[k] from instant At[k] (µs, inclusive) to the next
// change; before a row's first change it holds its first value, the
// column's own row j.
type Versions struct {
	Off  []int64
	At   []int64
	Vals *Vector
}

// Find returns the index in Vals of the value row j holds at instant t,
// or -1 when it holds its first value (no change at or before t).
func (v *Versions) Find(j int, t int64) int {
	lo := int(v.Off[j])
	for k := int(v.Off[j+1]) - 1; k >= lo; k-- {
		if v.At[k] <= t {
			return k
		}
	}
	return -1
}

// Rows returns rows [i, i+n) of v as versions whose row 0 is row i,
// sharing v's storage.
func (v *Versions) Rows(i, n int) *Versions {
	return &Versions{Off: v.Off[i : i+n+1], At: v.At, Vals: v.Vals}
}

// VersionedTable is a Table whose changing columns also hold their later
// values.
type VersionedTable interface {
	Table
	// Versions returns the later values of the named column, or nil
	// when the table keeps none.
	Versions(name string) *Versions
}
