// Package column defines the typed, column-wise blocks of rows that flow
// from the engine to the sinks: one Vector per column, values in typed
// slices, nulls in a separate validity slice.
package column

import (
	"fmt"
	"time"

	"datagen/src/civil"
)

// Type is the logical type of a column.
type Type uint8

// The logical column types of the DSL.
const (
	Invalid Type = iota
	Int
	Float
	String
	Bool
	Timestamp // microseconds since the Unix epoch, UTC, in Vector.Ints
	Date      // microseconds since the Unix epoch at 00:00 UTC, in Vector.Ints
)

var typeNames = [...]string{"invalid", "int", "float", "string", "bool", "datetime", "date"}

// String returns the DSL name of the type.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", t)
}

// ParseType maps a DSL type name to a Type.
func ParseType(s string) (Type, bool) {
	for i, n := range typeNames {
		if i > 0 && n == s {
			return Type(i), true
		}
	}
	return Invalid, false
}

// IsTime reports whether values are stored as microseconds since the epoch.
func (t Type) IsTime() bool { return t == Timestamp || t == Date }

// IsNumeric reports whether the type is int or float.
func (t Type) IsNumeric() bool { return t == Int || t == Float }

// MicrosPerDay is the number of microseconds in a day.
const MicrosPerDay = civil.MicrosPerDay

// Vector holds the values of one column for a block of rows. Exactly one of
// the value slices is used, chosen by Type: Ints for Int, Timestamp and
// Date; Floats for Float; Strs for String; Bools for Bool. Null is nil when
// the block has no nulls; otherwise Null[i] marks row i as null (its value
// slot holds the zero value).
type Vector struct {
	Type   Type
	Ints   []int64
	Floats []float64
	Strs   []string
	Bools  []bool
	Null   []bool

	nullBuf []bool
}

// Reset makes v a vector of n rows of type t, reusing its storage. The
// values are not cleared; Null is dropped.
func (v *Vector) Reset(t Type, n int) {
	v.Type = t
	if v.Null != nil {
		v.nullBuf = v.Null
	}
	v.Null = nil
	switch t {
	case Int, Timestamp, Date:
		v.Ints = grow(v.Ints, n)
	case Float:
		v.Floats = grow(v.Floats, n)
	case String:
		v.Strs = grow(v.Strs, n)
	case Bool:
		v.Bools = grow(v.Bools, n)
	}
}

func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}

// Len returns the number of rows.
func (v *Vector) Len() int {
	switch v.Type {
	case Int, Timestamp, Date:
		return len(v.Ints)
	case Float:
		return len(v.Floats)
	case String:
		return len(v.Strs)
	case Bool:
		return len(v.Bools)
	}
	return 0
}

// IsNull reports whether row i is null.
func (v *Vector) IsNull(i int) bool { return v.Null != nil && v.Null[i] }

// SetNull marks row i as null, allocating the null slice on first use.
func (v *Vector) SetNull(i int) {
	if v.Null == nil {
		n := v.Len()
		if cap(v.nullBuf) >= n {
			v.Null = v.nullBuf[:n]
			clear(v.Null)
		} else {
			v.Null = make([]bool, n)
		}
	}
	v.Null[i] = true
}

// ClearRow marks row i null and sets its value slot to the zero value.
func (v *Vector) ClearRow(i int) {
	v.SetNull(i)
	switch v.Type {
	case Int, Timestamp, Date:
		v.Ints[i] = 0
	case Float:
		v.Floats[i] = 0
	case String:
		v.Strs[i] = ""
	case Bool:
		v.Bools[i] = false
	}
}

// HasNulls reports whether any row is null.
func (v *Vector) HasNulls() bool {
	for _, n := range v.Null {
		if n {
			return true
		}
	}
	return false
}

// Window returns rows [i, j) of v as a vector that shares v's storage:
// writing into one writes into the other.
func (v *Vector) Window(i, j int) Vector {
	w := Vector{Type: v.Type}
	switch v.Type {
	case Int, Timestamp, Date:
		w.Ints = v.Ints[i:j]
	case Float:
		w.Floats = v.Floats[i:j]
	case String:
		w.Strs = v.Strs[i:j]
	case Bool:
		w.Bools = v.Bools[i:j]
	}
	if v.Null != nil {
		w.Null = v.Null[i:j]
	}
	return w
}

// CopyRange copies rows [i, j) of src, values and null flags, into v from
// row at on. v has src's type and at least at+j-i rows. A null in the
// range gives v a null slice when it has none (through SetNull), so
// goroutines that fill disjoint ranges of one v must allocate v.Null up
// front when src can hold nulls.
func (v *Vector) CopyRange(at int, src *Vector, i, j int) {
	v.CopyValues(at, src, i, j)
	if src.Null == nil {
		if v.Null != nil {
			clear(v.Null[at : at+j-i])
		}
		return
	}
	if v.Null == nil {
		k := 0
		for k < j-i && !src.Null[i+k] {
			k++
		}
		if k == j-i {
			return
		}
		v.SetNull(at + k)
	}
	copy(v.Null[at:], src.Null[i:j])
}

// CopyValues copies the value slots of rows [i, j) of src into v from row
// at on, leaving v's null flags as they are. src's values are read by v's
// type (they agree, or src's storage is of the same kind).
func (v *Vector) CopyValues(at int, src *Vector, i, j int) {
	switch v.Type {
	case Int, Timestamp, Date:
		copy(v.Ints[at:], src.Ints[i:j])
	case Float:
		copy(v.Floats[at:], src.Floats[i:j])
	case String:
		copy(v.Strs[at:], src.Strs[i:j])
	case Bool:
		copy(v.Bools[at:], src.Bools[i:j])
	}
}

// CopyFrom makes v a copy of src, reusing v's storage.
func (v *Vector) CopyFrom(src *Vector) {
	n := src.Len()
	v.Reset(src.Type, n)
	v.CopyRange(0, src, 0, n)
}

// CopyRow copies row j of src into row i of v (same type). A null row
// marks row i null and leaves its value slot as it is.
func (v *Vector) CopyRow(i int, src *Vector, j int) {
	if src.IsNull(j) {
		v.SetNull(i)
		return
	}
	switch src.Type {
	case Int, Timestamp, Date:
		v.Ints[i] = src.Ints[j]
	case Float:
		v.Floats[i] = src.Floats[j]
	case String:
		v.Strs[i] = src.Strs[j]
	case Bool:
		v.Bools[i] = src.Bools[j]
	}
	if v.Null != nil {
		v.Null[i] = false
	}
}

// AppendRange appends rows [i, j) of src (same type), values and null
// flags, to v. v keeps a null slice once either side has one.
func (v *Vector) AppendRange(src *Vector, i, j int) {
	n0 := v.Len()
	switch src.Type {
	case Int, Timestamp, Date:
		v.Ints = append(v.Ints, src.Ints[i:j]...)
	case Float:
		v.Floats = append(v.Floats, src.Floats[i:j]...)
	case String:
		v.Strs = append(v.Strs, src.Strs[i:j]...)
	case Bool:
		v.Bools = append(v.Bools, src.Bools[i:j]...)
	}
	switch {
	case src.Null != nil:
		if v.Null == nil {
			v.Null = append(v.nullBuf[:0], make([]bool, n0)...)
		}
		v.Null = append(v.Null, src.Null[i:j]...)
	case v.Null != nil:
		for range j - i {
			v.Null = append(v.Null, false)
		}
	}
}

// Field describes one output column.
type Field struct {
	Name        string
	Type        Type
	Nullable    bool
	Description string
	// Precision and Scale describe a decimal column: a Float column whose
	// values have at most Scale decimals and Precision digits, written as
	// Parquet DECIMAL and typed NUMERIC in Keboola. Precision 0 means a
	// plain column.
	Precision, Scale int
	// Distinct, when positive, bounds the number of distinct non-null
	// values of the column as the schema fixes it (a choice among listed
	// values); 0 means unknown. Unique marks a column whose non-null
	// values are all distinct (a sequence). Runs marks a column whose
	// equal values come in runs (a value of the primary parent row: the
	// children of a parent are contiguous). All three are hints for
	// choosing encodings (Parquet dictionaries): they never change a
	// value, and a writer must stay correct when the data does not honour
	// them.
	Distinct int
	Unique   bool
	Runs     bool
}

// Block is a run of consecutive rows of one table, column by column, in the
// table's output column order.
type Block struct {
	// Start is the table row index of the first row of the block.
	Start int64
	// Rows is the number of rows in the block.
	Rows int
	// Cols holds one vector per field of the table schema.
	Cols []*Vector
}

// Time converts microseconds since the epoch to a UTC time.
func Time(us int64) time.Time { return time.UnixMicro(us).UTC() }

// Micros converts a time to microseconds since the epoch.
func Micros(t time.Time) int64 { return t.UnixMicro() }

// Table is a generated table whose kept columns can be read whole, such as
// a parent, a lookup source or an effect table.
type Table interface {
	// Rows is the number of rows.
	Rows() int64
	// Column returns the full column with the given name, or nil when the
	// column was not kept.
	Column(name string) *Vector
}
