package studio

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/preview"
)

// Bounds of the studio's sample: the rows shown per table, the rows the
// charts are drawn from, and the size of a data set previewed in full
// (a larger one is previewed from a sample run, as preview does).
const (
	shownRows  = 12
	chartRows  = 1000
	maxRunRows = 100_000
	histBins   = 12
	topValues  = 8
)

// SampleResult is the live sample of a schema: its problems, and when it
// is valid the first rows and the value distribution of every table.
type SampleResult struct {
	Problems []Problem     `json:"problems"`
	Tables   []SampleTable `json:"tables"`
	// Sampled is true when the data set is larger than the studio
	// previews in full, and the rows come from a run capped at
	// SampleRows rows per table.
	Sampled    bool  `json:"sampled"`
	SampleRows int64 `json:"sample_rows,omitempty"`
}

// SampleTable is the sample of one table.
type SampleTable struct {
	ID      string   `json:"id"`
	Columns []string `json:"columns"`
	Types   []string `json:"types"`
	// Total is the table's row count in the run.
	Total int64 `json:"total_rows"`
	// Rows are the table's first rows.
	Rows [][]preview.Cell `json:"rows"`
	// Charts hold one chart per column, drawn from the first rows (up to
	// 1000).
	Charts []Chart `json:"charts"`
}

// Chart is the distribution of one column in a sample: a histogram of a
// numeric, date or timestamp column, the most frequent values of the
// others.
type Chart struct {
	Column string `json:"column"`
	// Kind is "histogram", "top", or "distinct" when no value repeats
	// (names, e-mails, keys: a chart of them would show only ones).
	Kind string `json:"kind"`
	// Distinct is the number of distinct values of a "top" or
	// "distinct" chart.
	Distinct int `json:"distinct,omitempty"`
	// Count is the number of values the chart is drawn from; Nulls of
	// them are null (and in no bar).
	Count int   `json:"count"`
	Nulls int   `json:"nulls"`
	Bars  []Bar `json:"bars"`
	// Other counts the values that are not in a bar of a "top" chart.
	Other int `json:"other,omitempty"`
}

// Bar is one bar of a chart: a value, or a range of values from Label to
// To.
type Bar struct {
	Label string `json:"label"`
	To    string `json:"to,omitempty"`
	Count int    `json:"count"`
}

// Sample checks data and, when it is valid, generates the first rows of
// each table in memory (src/preview) and the distribution of each column;
// the tables come in the document's order.
// The error is not nil only when ctx ended or the run failed for a reason
// other than the schema.
func Sample(ctx context.Context, data []byte, lenient bool, seed int64) (*SampleResult, error) {
	p, probs := load(data, lenient)
	res := &SampleResult{Problems: probs, Tables: []SampleTable{}}
	if p == nil {
		return res, nil
	}
	pr, err := preview.Sample(ctx, p, preview.Options{Rows: chartRows, Seed: seed, Scale: 1,
		MaxRows: maxRunRows, SampleRows: chartRows})
	if err != nil {
		prob, ok := generationProblem(p.Schema, err)
		if !ok || ctx.Err() != nil {
			return nil, err
		}
		res.Problems = append(res.Problems, prob)
		return res, nil
	}
	res.Sampled, res.SampleRows = pr.Sampled, pr.SampleRows
	// In the document's order, as the user reads them in the editor.
	index := map[string]int{}
	for i, n := range p.Schema.Nodes {
		index[n.ID] = i
	}
	slices.SortStableFunc(pr.Tables, func(a, b *preview.Table) int { return cmp.Compare(index[a.ID], index[b.ID]) })
	for _, t := range pr.Tables {
		st := SampleTable{ID: t.ID, Columns: t.Columns, Types: t.Types, Total: t.Total,
			Rows: t.Rows[:min(len(t.Rows), shownRows)]}
		for j, f := range t.Fields {
			st.Charts = append(st.Charts, chart(f, t.Rows, j))
		}
		res.Tables = append(res.Tables, st)
	}
	return res, nil
}

// chart draws the distribution of column j of rows.
func chart(f column.Field, rows [][]preview.Cell, j int) Chart {
	c := Chart{Column: f.Name, Count: len(rows), Bars: []Bar{}}
	var texts []string
	for _, r := range rows {
		if r[j].Null {
			c.Nulls++
			continue
		}
		texts = append(texts, r[j].Text)
	}
	switch f.Type {
	case column.Int, column.Float, column.Date, column.Timestamp:
		if nums, ok := numbers(f.Type, texts); ok && len(nums) > 0 {
			c.Kind = "histogram"
			c.Bars = histogram(f.Type, nums)
			return c
		}
	}
	c.Kind = "top"
	c.Bars, c.Other, c.Distinct = top(texts)
	if len(texts) > 1 && c.Distinct == len(texts) {
		c.Kind = "distinct"
		c.Bars, c.Other = c.Bars[:0], 0
	}
	return c
}

// numbers parses the texts of a column of type t: numbers as they are,
// dates and timestamps as microseconds since the epoch.
func numbers(t column.Type, texts []string) ([]float64, bool) {
	out := make([]float64, len(texts))
	for i, s := range texts {
		var err error
		var us int64
		switch t {
		case column.Date:
			us, err = civil.ParseDate(s)
			out[i] = float64(us)
		case column.Timestamp:
			us, err = civil.ParseMicros(s)
			out[i] = float64(us)
		default:
			out[i], err = strconv.ParseFloat(s, 64)
		}
		if err != nil {
			return nil, false
		}
	}
	return out, true
}

// histogram counts nums in equal-width bins between their minimum and
// maximum; integers that span at most histBins values get one bar each.
func histogram(t column.Type, nums []float64) []Bar {
	lo, hi := slices.Min(nums), slices.Max(nums)
	n := histBins
	width := (hi - lo) / float64(n)
	if t == column.Int && hi-lo < float64(histBins) {
		n, width = int(hi-lo)+1, 1
	}
	if width == 0 {
		return []Bar{{Label: label(t, lo), Count: len(nums)}}
	}
	bars := make([]Bar, n)
	for i := range bars {
		from, to := lo+float64(i)*width, lo+float64(i+1)*width
		bars[i].Label = label(t, from)
		if t != column.Int || width != 1 {
			bars[i].To = label(t, to)
		}
	}
	for _, x := range nums {
		i := min(int((x-lo)/width), n-1)
		bars[i].Count++
	}
	return bars
}

// label renders a bin bound of a column of type t.
func label(t column.Type, x float64) string {
	switch t {
	case column.Date:
		return civil.FormatDate(int64(math.Round(x)))
	case column.Timestamp:
		return civil.FormatTimestamp(int64(math.Round(x)))
	case column.Int:
		return strconv.FormatInt(int64(math.Round(x)), 10)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// top returns the topValues most frequent texts (most frequent first,
// ties in text order), the count of the other values and the number of
// distinct texts.
func top(texts []string) ([]Bar, int, int) {
	counts := map[string]int{}
	for _, s := range texts {
		counts[s]++
	}
	bars := make([]Bar, 0, len(counts))
	for s, k := range counts {
		bars = append(bars, Bar{Label: s, Count: k})
	}
	slices.SortFunc(bars, func(a, b Bar) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Label, b.Label))
	})
	other := 0
	if len(bars) > topValues {
		for _, b := range bars[topValues:] {
			other += b.Count
		}
	}
	return bars[:min(len(bars), topValues)], other, len(counts)
}
