package validate

import (
	"context"

	"datagen/src/outdir"
)

// csvHeader returns the header row of a CSV file.
func csvHeader(path string) ([]string, error) {
	r, closeFn, err := outdir.OpenCSV(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	names, _, err := outdir.ReadCSVHeader(r, outdir.KeboolaCSV)
	return names, err
}

// readCSV feeds one CSV file to w. Values that cannot be read as their
// declared type are type issues of their column (and nulls).
func readCSV(path string, w *TableWriter) error {
	sch := make([]int, len(w.fields)) // schema column of each field, -1 for extras
	for p := range sch {
		sch[p] = w.schemaCol(p)
	}
	bad := func(p int, raw string) {
		if sch[p] >= 0 {
			w.typeIssue(sch[p], raw)
		}
	}
	return outdir.ReadCSV(context.Background(), path, w.fields, w.fieldIndex, bad, w.WriteBlock)
}
