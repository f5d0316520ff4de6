package preview

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxCellWidth is the width beyond which Write shortens a value with "…".
const MaxCellWidth = 40

// nullText is how Write shows a null.
const nullText = "∅"

// Write renders t as an aligned text table under a title line (which
// says when the rows come from a sample run):
//
//	customer (2000 rows, first 3)
//	customer_id  name           signup_date
//	-----------  -------------  -----------
//	          1  Ada Lovelace   2024-01-03
//
// Numbers are right-aligned, nulls show as ∅, long values are shortened
// to MaxCellWidth characters and line breaks are shown as ⏎.
func Write(w io.Writer, t *Table) error {
	title := fmt.Sprintf("%s (%d rows, first %d)", t.ID, t.Total, len(t.Rows))
	switch {
	case t.Sampled:
		title = fmt.Sprintf("%s (first %d of a %d-row sample)", t.ID, len(t.Rows), t.Total)
	case int64(len(t.Rows)) == t.Total:
		title = fmt.Sprintf("%s (%d rows, all)", t.ID, t.Total)
	}
	if _, err := fmt.Fprintln(w, title); err != nil {
		return err
	}
	cells := make([][]string, len(t.Rows))
	width := make([]int, len(t.Columns))
	for j, c := range t.Columns {
		width[j] = utf8.RuneCountInString(c)
	}
	for i, r := range t.Rows {
		cells[i] = make([]string, len(r))
		for j, c := range r {
			s := nullText
			if !c.Null {
				s = display(c.Text)
			}
			cells[i][j] = s
			width[j] = max(width[j], utf8.RuneCountInString(s))
		}
	}
	var b strings.Builder
	line := func(vals []string, right func(int) bool) {
		for j, v := range vals {
			if j > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(v))
			if right(j) {
				b.WriteString(pad + v)
			} else if j < len(vals)-1 {
				b.WriteString(v + pad)
			} else {
				b.WriteString(v)
			}
		}
		b.WriteByte('\n')
	}
	left := func(int) bool { return false }
	line(t.Columns, left)
	dashes := make([]string, len(width))
	for j, n := range width {
		dashes[j] = strings.Repeat("-", n)
	}
	line(dashes, left)
	for _, r := range cells {
		line(r, func(j int) bool { return j < len(t.Fields) && numeric(t.Fields[j].Type) })
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// display makes s fit one terminal cell: line breaks and tabs become
// visible marks, and long values are shortened.
func display(s string) string {
	s = strings.NewReplacer("\r\n", "⏎", "\n", "⏎", "\r", "⏎", "\t", " ").Replace(s)
	if utf8.RuneCountInString(s) <= MaxCellWidth {
		return s
	}
	r := []rune(s)
	return string(r[:MaxCellWidth-1]) + "…"
}
