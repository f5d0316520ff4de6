package outdir

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"datagen/src/column"
)

// ReadBlockRows is the number of rows per block read back from a table
// file.
const ReadBlockRows = 1 << 15

// ParquetFile reads a Parquet table file back as column blocks: the one
// Parquet reader of datagen (validate, export).
type ParquetFile struct {
	f *file.Reader
	// Columns are the names of the file's columns, in file order.
	Columns []string
}

// OpenParquet opens the Parquet file at path.
func OpenParquet(path string) (*ParquetFile, error) {
	f, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, fmt.Errorf("opening Parquet file: %w", err)
	}
	sch := f.MetaData().Schema
	cols := make([]string, sch.NumColumns())
	for i := range cols {
		cols[i] = sch.Column(i).Name()
	}
	return &ParquetFile{f: f, Columns: cols}, nil
}

// Close closes the file.
func (p *ParquetFile) Close() error { return p.f.Close() }

// NumRows returns the number of rows of the file.
func (p *ParquetFile) NumRows() int64 { return p.f.NumRows() }

// Metadata returns the value of key in the footer's key/value metadata.
func (p *ParquetFile) Metadata(key string) (string, bool) {
	if v := p.f.MetaData().KeyValueMetadata().FindValue(key); v != nil {
		return *v, true
	}
	return "", false
}

// Check reports whether file column i can be read as type t, and if not,
// what the file holds.
func (p *ParquetFile) Check(i int, t column.Type) (ok bool, note string) {
	c := p.f.MetaData().Schema.Column(i)
	if pqConversion(c, t) != pqNone {
		return true, ""
	}
	return false, fmt.Sprintf("declared %v, Parquet column is %v (logical type %v)", t, c.PhysicalType(), c.LogicalType())
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
	pqDecimal               // INT64 DECIMAL(p, s) → Float
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
		if _, ok := decimalScale(lt); ok && phys == parquet.Types.Int64 {
			return pqDecimal
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

// decimalScale returns the scale of a DECIMAL logical type.
func decimalScale(lt schema.LogicalType) (int, bool) {
	if d, ok := lt.(schema.DecimalLogicalType); ok {
		return int(d.Scale()), true
	}
	if d, ok := lt.(*schema.DecimalLogicalType); ok {
		return int(d.Scale()), true
	}
	return 0, false
}

func isTimeLogical(lt schema.LogicalType) bool {
	switch lt.(type) {
	case schema.TimestampLogicalType, *schema.TimestampLogicalType, schema.DateLogicalType, *schema.DateLogicalType,
		schema.TimeLogicalType, *schema.TimeLogicalType:
		return true
	}
	return false
}

// Read reads the file row group by row group in blocks of at most
// ReadBlockRows rows and passes each to fn. File column i goes to block
// column idx[i], read as type fields[idx[i]].Type (len(idx) is the file's
// column count, len(fields) the block's); a column that cannot be read as
// that type (see Check) is read as nulls. Block.Start counts rows from
// the file's first. The block and its vectors are reused from call to
// call; strings stay valid. Read stops when ctx is cancelled.
func (p *ParquetFile) Read(ctx context.Context, fields []column.Field, idx []int, fn func(*column.Block) error) error {
	r := p.f
	sch := r.MetaData().Schema
	nc := sch.NumColumns()
	if len(idx) != nc {
		return fmt.Errorf("%d column indexes for %d columns", len(idx), nc)
	}
	names := p.Columns
	conv := make([]pqConv, nc)
	// scale is 10^scale of each DECIMAL column.
	scale := make([]float64, nc)
	for i := 0; i < nc; i++ {
		conv[i] = pqConversion(sch.Column(i), fields[idx[i]].Type)
		if conv[i] == pqDecimal {
			s, _ := decimalScale(sch.Column(i).LogicalType())
			scale[i] = math.Pow10(s)
		}
	}
	blk := &column.Block{Cols: make([]*column.Vector, len(fields))}
	for k := range blk.Cols {
		blk.Cols[k] = &column.Vector{}
	}
	def := make([]int16, ReadBlockRows)
	var i64 []int64
	var i32 []int32
	var f64 []float64
	var f32 []float32
	var bools []bool
	var bytes []parquet.ByteArray
	var arena []byte
	var start int64
	for g := 0; g < r.NumRowGroups(); g++ {
		rg := r.RowGroup(g)
		readers := make([]file.ColumnChunkReader, nc)
		for i := 0; i < nc; i++ {
			if conv[i] == pqNone {
				continue
			}
			var err error
			if readers[i], err = rg.Column(i); err != nil {
				return fmt.Errorf("row group %d column %q: %w", g, names[i], err)
			}
		}
		left := rg.NumRows()
		for left > 0 {
			if err := context.Cause(ctx); err != nil {
				return err
			}
			n := int(min(left, ReadBlockRows))
			blk.Start, blk.Rows = start, n
			for i := 0; i < nc; i++ {
				v := blk.Cols[idx[i]]
				v.Reset(fields[idx[i]].Type, n)
				if conv[i] == pqNone {
					for k := 0; k < n; k++ {
						v.SetNull(k)
					}
					continue
				}
				var dl []int16
				if sch.Column(i).MaxDefinitionLevel() > 0 {
					dl = def[:n]
				}
				var got int64
				var vals int
				var err error
				switch cr := readers[i].(type) {
				case *file.Int64ColumnChunkReader:
					i64 = growTo(i64, n)
					got, _, err = cr.ReadBatch(int64(n), i64, dl, nil)
					if err == nil && conv[i] == pqDecimal {
						scatter(v, dl, n, func(k, s int) { v.Floats[k] = float64(i64[s]) / scale[i] })
					} else if err == nil {
						scatter(v, dl, n, func(k, s int) {
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
					got, _, err = cr.ReadBatch(int64(n), i32, dl, nil)
					if err == nil {
						scatter(v, dl, n, func(k, s int) {
							if conv[i] == pqDate {
								v.Ints[k] = int64(i32[s]) * column.MicrosPerDay
							} else {
								v.Ints[k] = int64(i32[s])
							}
						})
					}
				case *file.Float64ColumnChunkReader:
					f64 = growTo(f64, n)
					got, _, err = cr.ReadBatch(int64(n), f64, dl, nil)
					if err == nil {
						scatter(v, dl, n, func(k, s int) { v.Floats[k] = f64[s] })
					}
				case *file.Float32ColumnChunkReader:
					f32 = growTo(f32, n)
					got, _, err = cr.ReadBatch(int64(n), f32, dl, nil)
					if err == nil {
						scatter(v, dl, n, func(k, s int) { v.Floats[k] = float64(f32[s]) })
					}
				case *file.BooleanColumnChunkReader:
					bools = growTo(bools, n)
					got, _, err = cr.ReadBatch(int64(n), bools, dl, nil)
					if err == nil {
						scatter(v, dl, n, func(k, s int) { v.Bools[k] = bools[s] })
					}
				case *file.ByteArrayColumnChunkReader:
					bytes = growTo(bytes, n)
					got, vals, err = cr.ReadBatch(int64(n), bytes, dl, nil)
					if err == nil {
						// One string per batch; the values are slices of it.
						arena = arena[:0]
						for _, b := range bytes[:vals] {
							arena = append(arena, b...)
						}
						s := string(arena)
						offs := make([]int, vals+1)
						for k, b := range bytes[:vals] {
							offs[k+1] = offs[k] + len(b)
						}
						scatter(v, dl, n, func(k, q int) { v.Strs[k] = s[offs[q]:offs[q+1]] })
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
			if err := fn(blk); err != nil {
				return err
			}
			left -= int64(n)
			start += int64(n)
		}
	}
	return nil
}

// scatter places the dense values of a batch at their rows: with
// definition levels dl, rows whose level is 0 are null.
func scatter(v *column.Vector, dl []int16, n int, set func(row, src int)) {
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
}

func growTo[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}
