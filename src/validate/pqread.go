package validate

import (
	"context"

	"datagen/src/outdir"
)

// parquetColumns returns the column names of a Parquet file.
func parquetColumns(path string) ([]string, error) {
	p, err := outdir.OpenParquet(path)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	return p.Columns, nil
}

// readParquet feeds one Parquet file to w, row group by row group. A
// column that cannot be read as its declared type is a type issue of the
// column, and is read as nulls.
func readParquet(path string, w *TableWriter) error {
	p, err := outdir.OpenParquet(path)
	if err != nil {
		return err
	}
	defer p.Close()
	idx, err := w.fieldIndex(p.Columns)
	if err != nil {
		return err
	}
	for i, k := range idx {
		if ok, note := p.Check(i, w.fields[k].Type); !ok {
			if j := w.schemaCol(k); j >= 0 {
				w.columnTypeIssue(j, note)
			}
		}
	}
	return p.Read(context.Background(), w.fields, idx, w.WriteBlock)
}
