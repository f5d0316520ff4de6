package validate

import (
	"fmt"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"datagen/src/column"
)

// parquetColumns returns the leaf column names of a Parquet file.
func parquetColumns(path string) ([]string, error) {
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, fmt.Errorf("opening Parquet file: %w", err)
	}
	defer r.Close()
	sch := r.MetaData().Schema
	out := make([]string, sch.NumColumns())
	for i := range out {
		out[i] = sch.Column(i).Name()
	}
	return out, nil
}

// pqConv says how a Parquet column becomes a column.Vector.
type pqConv uint8

const (
	pqNone    pqConv = iota // unreadable as the declared type
	pqInt64                 // INT64 → Int
	pqInt32                 // INT32 → Int
	pqDouble                // DOUBLE → Float
	pqFloat                 // FLOAT → Float
	pqBytes                 // BYTE_ARRAY → String
	pqBool                  // BOOLEAN → Bool
	pqTSMilli               // INT64 TIMESTAMP(MILLIS) → Timestamp
	pqTSMicro               // INT64 TIMESTAMP(MICROS) → Timestamp
	pqTSNano                // INT64 TIMESTAMP(NANOS) → Timestamp
	pqDate                  // INT32 DATE → Date
)

// pqConversion checks a Parquet column against a declared type.
func pqConversion(c *schema.Column, t column.Type) pqConv {
	phys, lt := c.PhysicalType(), c.LogicalType()
	tsUnit := func() pqConv {
		var ts schema.TimestampLogicalType
		switch x := lt.(type) {
		case schema.TimestampLogicalType:
			ts = x
		case *schema.TimestampLogicalType:
			ts = *x
		default:
			return pqNone
		}
		switch ts.TimeUnit() {
		case schema.TimeUnitMillis:
			return pqTSMilli
		case schema.TimeUnitMicros:
			return pqTSMicro
		case schema.TimeUnitNanos:
			return pqTSNano
		}
		return pqNone
	}
	switch t {
	case column.Int:
		if phys == parquet.Types.Int64 && !isTimeLogical(lt) {
			return pqInt64
		}
		if phys == parquet.Types.Int32 && !isTimeLogical(lt) {
			return pqInt32
		}
	case column.Float:
		if phys == parquet.Types.Double {
			return pqDouble
		}
		if phys == parquet.Types.Float {
			return pqFloat
		}
	case column.String:
		if phys == parquet.Types.ByteArray {
			return pqBytes
		}
	case column.Bool:
		if phys == parquet.Types.Boolean {
			return pqBool
		}
	case column.Timestamp:
		if phys == parquet.Types.Int64 {
			return tsUnit()
		}
	case column.Date:
		if phys == parquet.Types.Int32 {
			if _, ok := lt.(schema.DateLogicalType); ok {
				return pqDate
			}
		}
	}
	return pqNone
}

func isTimeLogical(lt schema.LogicalType) bool {
	switch lt.(type) {
	case schema.TimestampLogicalType, *schema.TimestampLogicalType, schema.DateLogicalType, *schema.DateLogicalType,
		schema.TimeLogicalType, *schema.TimeLogicalType:
		return true
	}
	return false
}

// readParquet feeds one Parquet file to w, row group by row group.
func readParquet(path string, w *TableWriter) error {
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return fmt.Errorf("opening Parquet file: %w", err)
	}
	defer r.Close()
	sch := r.MetaData().Schema
	nc := sch.NumColumns()
	names := make([]string, nc)
	for i := range names {
		names[i] = sch.Column(i).Name()
	}
	idx, err := w.fieldIndex(names)
	if err != nil {
		return err
	}
	conv := make([]pqConv, nc)
	for i := 0; i < nc; i++ {
		p := idx[i]
		f := w.fields[p]
		conv[i] = pqConversion(sch.Column(i), f.Type)
		if conv[i] == pqNone {
			if j := w.schemaCol(p); j >= 0 {
				c := sch.Column(i)
				w.columnTypeIssue(j, fmt.Sprintf("declared %v, Parquet column is %v (logical type %v)", f.Type, c.PhysicalType(), c.LogicalType()))
			}
		}
	}
	blk := &column.Block{Cols: make([]*column.Vector, len(w.fields))}
	for p := range blk.Cols {
		blk.Cols[p] = &column.Vector{}
	}
	def := make([]int16, readBlockRows)
	var i64 []int64
	var i32 []int32
	var f64 []float64
	var f32 []float32
	var bools []bool
	var bytes []parquet.ByteArray
	var arena []byte
	for g := 0; g < r.NumRowGroups(); g++ {
		rg := r.RowGroup(g)
		readers := make([]file.ColumnChunkReader, nc)
		for i := 0; i < nc; i++ {
			if conv[i] == pqNone {
				continue
			}
			if readers[i], err = rg.Column(i); err != nil {
				return fmt.Errorf("row group %d column %q: %w", g, names[i], err)
			}
		}
		left := rg.NumRows()
		for left > 0 {
			n := int(min(left, readBlockRows))
			blk.Rows = n
			for i := 0; i < nc; i++ {
				p := idx[i]
				v := blk.Cols[p]
				f := w.fields[p]
				v.Reset(f.Type, n)
				if conv[i] == pqNone {
					for k := 0; k < n; k++ {
						v.SetNull(k)
					}
					continue
				}
				optional := sch.Column(i).MaxDefinitionLevel() > 0
				var dl []int16
				if optional {
					dl = def[:n]
				}
				var got int64
				var vals int
				var err error
				switch cr := readers[i].(type) {
				case *file.Int64ColumnChunkReader:
					i64 = growTo(i64, n)
					got, vals, err = cr.ReadBatch(int64(n), i64, dl, nil)
					if err == nil {
						scatter(v, dl, n, vals, func(k, s int) {
							x := i64[s]
							switch conv[i] {
							case pqTSMilli:
								x *= 1000
							case pqTSNano:
								x /= 1000
							}
							v.Ints[k] = x
						})
					}
				case *file.Int32ColumnChunkReader:
					i32 = growTo(i32, n)
					got, vals, err = cr.ReadBatch(int64(n), i32, dl, nil)
					if err == nil {
						scatter(v, dl, n, vals, func(k, s int) {
							if conv[i] == pqDate {
								v.Ints[k] = int64(i32[s]) * usPerDay
							} else {
								v.Ints[k] = int64(i32[s])
							}
						})
					}
				case *file.Float64ColumnChunkReader:
					f64 = growTo(f64, n)
					got, vals, err = cr.ReadBatch(int64(n), f64, dl, nil)
					if err == nil {
						scatter(v, dl, n, vals, func(k, s int) { v.Floats[k] = f64[s] })
					}
				case *file.Float32ColumnChunkReader:
					f32 = growTo(f32, n)
					got, vals, err = cr.ReadBatch(int64(n), f32, dl, nil)
					if err == nil {
						scatter(v, dl, n, vals, func(k, s int) { v.Floats[k] = float64(f32[s]) })
					}
				case *file.BooleanColumnChunkReader:
					bools = growTo(bools, n)
					got, vals, err = cr.ReadBatch(int64(n), bools, dl, nil)
					if err == nil {
						scatter(v, dl, n, vals, func(k, s int) { v.Bools[k] = bools[s] })
					}
				case *file.ByteArrayColumnChunkReader:
					bytes = growTo(bytes, n)
					got, vals, err = cr.ReadBatch(int64(n), bytes, dl, nil)
					if err == nil {
						arena = arena[:0]
						for _, b := range bytes[:vals] {
							arena = append(arena, b...)
						}
						s := string(arena)
						offs := make([]int, vals+1)
						for k, b := range bytes[:vals] {
							offs[k+1] = offs[k] + len(b)
						}
						scatter(v, dl, n, vals, func(k, q int) { v.Strs[k] = s[offs[q]:offs[q+1]] })
					}
				default:
					err = fmt.Errorf("unsupported column reader %T", cr)
				}
				if err != nil {
					return fmt.Errorf("row group %d column %q: %w", g, names[i], err)
				}
				if got != int64(n) {
					return fmt.Errorf("row group %d column %q: read %d of %d rows", g, names[i], got, n)
				}
			}
			if err := w.WriteBlock(blk); err != nil {
				return err
			}
			left -= int64(n)
		}
	}
	return nil
}

// scatter places the vals dense values of a batch at their rows: with
// definition levels dl, rows whose level is 0 are null.
func scatter(v *column.Vector, dl []int16, n, vals int, set func(row, src int)) {
	if dl == nil {
		for k := 0; k < n; k++ {
			set(k, k)
		}
		return
	}
	s := 0
	for k := 0; k < n; k++ {
		if dl[k] == 0 {
			v.SetNull(k)
			continue
		}
		set(k, s)
		s++
	}
	_ = vals
}

func growTo[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}
