package validate

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"datagen/src/civil"
)

// WriteHTML writes the report as one self-contained HTML page (inline CSS,
// SVG charts and a small script; nothing is loaded from the network):
// the score and its breakdown, the failures, row counts, and per table the
// column statistics, histograms, top values, observed and declared time
// profiles and the daily series with effect windows.
func (r *Report) WriteHTML(w io.Writer) error {
	if err := pageTmpl().Execute(w, r.view()); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

type htmlView struct {
	R       *Report
	Verdict Verdict
	// Hard and Soft split the failures: hard ones are listed first.
	Hard, Soft []Result
	ScoreSVG   template.HTML
	RowsSVG    template.HTML
	Tables     []htmlTable
	Generated  string
}

type htmlTable struct {
	T      TableStats
	Counts Counts
	// Failing is true when a hard check of the table failed.
	Failing bool
	Charts  []htmlChart
}

type htmlChart struct {
	Title string
	SVG   template.HTML
	// Wide charts span the whole row of the grid.
	Wide bool
}

func (r *Report) view() htmlView {
	v := htmlView{R: r, Generated: r.Metadata.Timestamp, Verdict: r.Summary.Verdict}
	if v.Verdict.Reasons == nil {
		v.Verdict = r.verdict(DefaultMinScore)
	}
	for _, f := range r.Failures {
		if f.Hard {
			v.Hard = append(v.Hard, f)
		} else {
			v.Soft = append(v.Soft, f)
		}
	}
	failing := map[string]bool{}
	for _, id := range v.Verdict.FailingTables {
		failing[id] = true
	}
	v.ScoreSVG = scoreSVG(r.Summary.Score, v.Verdict.Pass)
	var labels []string
	var vals []float64
	var colors []string
	for _, t := range r.Tables {
		labels = append(labels, t.ID)
		vals = append(vals, float64(t.Rows))
		if failing[t.ID] {
			colors = append(colors, colorFail)
		} else {
			colors = append(colors, colorBar)
		}
	}
	v.RowsSVG = hbarSVG(labels, vals, colors)
	expected := map[string][]float64{}
	for _, res := range r.Results {
		if i := strings.LastIndex(res.Name, ".seasonality_"); i > 0 {
			if e := floats(res.Details["expected"]); e != nil && res.Details["observed"] != nil {
				expected[res.Name] = e
			}
		}
	}
	for _, t := range r.Tables {
		ht := htmlTable{T: t, Counts: r.Summary.ByTable[t.ID], Failing: failing[t.ID]}
		for _, c := range t.Columns {
			ht.Charts = append(ht.Charts, columnCharts(t, c, expected)...)
		}
		v.Tables = append(v.Tables, ht)
	}
	return v
}

// Chart colours.
const (
	colorBar  = "#3b6ea5"
	colorTop  = "#6a8f3b"
	colorFail = "#c0392b"
)

// nearUnique reports whether a column's values are (nearly) all distinct,
// so that a chart of value counts would be bars of 1.
func nearUnique(c ColumnStats) bool {
	if c.Count < 20 || len(c.Top) == 0 {
		return false
	}
	return float64(c.Distinct) >= 0.9*float64(c.Count) && c.Top[0].Count <= 2
}

// columnCharts draws the charts of one column.
func columnCharts(t TableStats, c ColumnStats, expected map[string][]float64) []htmlChart {
	var out []htmlChart
	prefix := t.ID + "." + c.Name
	switch {
	case c.Body != nil:
		lo, hi := c.Body.Lo, c.Body.Lo+float64(len(c.Body.Counts))*c.Body.Width
		axis := ""
		if c.Body.Log {
			axis = ", log scale"
		}
		out = append(out, htmlChart{Title: fmt.Sprintf("%s — histogram of the 1st–99th percentiles (sample of %s%s; all values %s … %s)",
			c.Name, statInt(int64(c.BodySample)), axis, stat(c.Min), stat(c.Max)), SVG: histSVG(c.Body, &lo, &hi)})
	case c.Histogram != nil && !nearUniqueInts(c):
		out = append(out, htmlChart{Title: c.Name + " — histogram", SVG: histSVG(c.Histogram, c.Min, c.Max)})
	}
	switch {
	case nearUnique(c) || nearUniqueInts(c):
		out = append(out, htmlChart{Title: c.Name + " — distinct values", SVG: distinctHTML(c)})
	case len(c.Top) > 0:
		var l []string
		var x []float64
		for _, vc := range c.Top {
			l = append(l, vc.Value)
			x = append(x, float64(vc.Count))
		}
		if c.TopOther > 0 {
			l = append(l, "(other)")
			x = append(x, float64(c.TopOther))
		}
		out = append(out, htmlChart{Title: c.Name + " — top values", SVG: hbarSVG(l, x, []string{colorTop})})
	}
	if len(c.Weekday) == 0 {
		return out
	}
	dims := []struct {
		dim    string
		labels []string
		obs    []int64
	}{
		{"dow", []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, c.Weekday},
		{"hour", hourLabels(), c.Hour},
		{"month", []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}, c.Month},
	}
	for _, d := range dims {
		if d.dim == "hour" && c.Type == "date" {
			continue // a date has no time of day
		}
		exp := expected[prefix+".seasonality_"+d.dim]
		title := c.Name + " — by " + map[string]string{"dow": "weekday", "hour": "hour (UTC)", "month": "month"}[d.dim]
		if exp != nil {
			title += " (bars observed, line declared)"
		}
		out = append(out, htmlChart{Title: title, SVG: profileSVG(d.labels, d.obs, exp)})
	}
	if len(c.Daily) > 1 {
		// Only the table's fanout effects change how many rows a day has;
		// effects on a column's values do not belong on this chart.
		var wins []EffectWindow
		for _, w := range t.Windows {
			if w.Column == fanoutWindow {
				wins = append(wins, w)
			}
		}
		title := c.Name + " — rows per day"
		if len(wins) > 0 {
			title += " (shaded: windows of effects on the row count)"
		}
		out = append(out, htmlChart{Title: title, SVG: dailySVG(c.DailyStart, c.Daily, wins), Wide: true})
	}
	return out
}

// nearUniqueInts reports whether an integer or float column that has no
// top values is a key-like column: every value distinct.
func nearUniqueInts(c ColumnStats) bool {
	return len(c.Top) == 0 && c.Count >= 20 && c.Distinct >= c.Count && c.DistinctExact &&
		(c.Type == "int" || c.Type == "float") && c.Histogram != nil && flatHistogram(c.Histogram)
}

// flatHistogram reports whether every bin but the last holds the same
// count within 5 %: a sequence, whose histogram says nothing.
func flatHistogram(h *Histogram) bool {
	if len(h.Counts) < 3 {
		return false
	}
	lo, hi := h.Counts[0], h.Counts[0]
	for _, c := range h.Counts[1 : len(h.Counts)-1] {
		lo, hi = min(lo, c), max(hi, c)
	}
	return float64(hi-lo) <= 0.05*float64(hi)
}

// distinctHTML describes a column whose values are (nearly) all distinct:
// the distinct count and example values.
func distinctHTML(c ColumnStats) template.HTML {
	var b strings.Builder
	approx := ""
	if !c.DistinctExact {
		approx = "≈"
	}
	fmt.Fprintf(&b, `<div class="distinct"><b>%s%s</b> distinct of %s values (%.1f%%)`, approx, statInt(c.Distinct), statInt(c.Count), 100*float64(c.Distinct)/float64(max(c.Count, 1)))
	var ex []string
	for _, vc := range c.Top {
		if len(ex) == 5 {
			break
		}
		ex = append(ex, "<code>"+esc(label(vc.Value, 40))+"</code>")
	}
	if len(ex) == 0 && c.Min != nil && c.Max != nil {
		ex = append(ex, "<code>"+statNum(*c.Min)+"</code> … <code>"+statNum(*c.Max)+"</code>")
	}
	if len(ex) > 0 {
		fmt.Fprintf(&b, `<div class="muted">e.g. %s</div>`, strings.Join(ex, ", "))
	}
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

// label shortens s to at most n characters (not bytes).
func label(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func hourLabels() []string {
	l := make([]string, 24)
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}

// floats converts a sanitised JSON-ish slice to floats (nil → 0).
func floats(x any) []float64 {
	switch t := x.(type) {
	case []float64:
		return t
	case []any:
		out := make([]float64, len(t))
		for i, e := range t {
			if f, ok := e.(float64); ok {
				out[i] = f
			}
		}
		return out
	}
	return nil
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func fmtNum(x float64) string {
	a := math.Abs(x)
	switch {
	case a >= 1e9:
		return strconv.FormatFloat(x/1e9, 'f', 1, 64) + "G"
	case a >= 1e6:
		return strconv.FormatFloat(x/1e6, 'f', 1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(x/1e3, 'f', 1, 64) + "k"
	case a == math.Trunc(a):
		return strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 1:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// statNum formats a statistic with enough digits to tell close values
// apart: whole numbers in full, others with six significant digits (no
// k/M abbreviations, which make a minimum, maximum and mean look equal).
func statNum(x float64) string {
	a := math.Abs(x)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "–"
	case a == math.Trunc(a) && a < 1e15:
		return statInt(int64(x))
	case a >= 1e15 || a < 1e-4:
		return strconv.FormatFloat(x, 'g', 6, 64)
	}
	digits := 6 - int(math.Floor(math.Log10(a))) - 1
	digits = min(max(digits, 2), 8)
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(x, 'f', digits, 64), "0"), ".")
}

// roundSig rounds x to n significant digits.
func roundSig(x float64, n int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// stat formats an optional statistic.
func stat(x *float64) string {
	if x == nil {
		return "–"
	}
	return statNum(*x)
}

// statInt formats an integer with thin spaces between thousands.
func statInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	return b.String()
}

// svgOpen starts a chart that scales to the width of its box.
func svgOpen(b *strings.Builder, w, h int, class string) {
	fmt.Fprintf(b, `<svg class="chart%s" viewBox="0 0 %d %d" preserveAspectRatio="xMinYMin meet" role="img">`, class, w, h)
}

// hbarSVG draws horizontal bars with labels and values; colors[i] colours
// bar i (the last colour repeats).
func hbarSVG(labels []string, vals []float64, colors []string) template.HTML {
	const w, rowH, maxLabel = 460, 20, 40
	longest := 0
	for _, l := range labels {
		longest = max(longest, len([]rune(label(l, maxLabel))))
	}
	labelW := min(max(6.6*float64(longest)+12, 60), 280)
	h := rowH*len(labels) + 10
	mx := 0.0
	for _, x := range vals {
		mx = math.Max(mx, x)
	}
	var b strings.Builder
	svgOpen(&b, w, h, "")
	for i, l := range labels {
		y := 5 + i*rowH
		bw := 0.0
		if mx > 0 {
			bw = vals[i] / mx * (w - labelW - 70)
		}
		color := colors[min(i, len(colors)-1)]
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end" class="lbl">%s</text>`, labelW-6, y+14, esc(label(l, maxLabel)))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`, labelW, y+3, math.Max(bw, 1), rowH-6, color, esc(l), statNum(vals[i]))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="val">%s</text>`, labelW+math.Max(bw, 1)+4, y+14, fmtNum(vals[i]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// histSVG draws a histogram on an axis from the data's minimum to its
// maximum (dmin, dmax; the bins' range when they are unknown).
func histSVG(h *Histogram, dmin, dmax *float64) template.HTML {
	const w, ht, pad = 420, 170, 30
	n := len(h.Counts)
	lo, hi := h.Lo, h.Lo+float64(n)*h.Width
	if dmin != nil && dmax != nil && *dmax >= *dmin {
		lo, hi = *dmin, *dmax
	}
	span := hi - lo
	if span <= 0 {
		span = h.Width
		lo -= span / 2
		hi = lo + span
	}
	x := func(v float64) float64 { return pad + (math.Min(math.Max(v, lo), hi)-lo)/span*(w-2*pad) }
	val := func(v float64) string {
		if h.Log {
			return statNum(roundSig(math.Pow(10, v), 4))
		}
		return statNum(v)
	}
	var mx int64
	for _, c := range h.Counts {
		mx = max(mx, c)
	}
	var b strings.Builder
	svgOpen(&b, w, ht, "")
	for i, c := range h.Counts {
		bh := 0.0
		if mx > 0 {
			bh = float64(c) / float64(mx) * (ht - 2*pad)
		}
		a := h.Lo + float64(i)*h.Width
		x0, x1 := x(a), x(a+h.Width)
		if c > 0 {
			bh = math.Max(bh, 1) // a bin with values stays visible
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>[%s, %s): %d</title></rect>`,
			x0, ht-pad-bh, math.Max(x1-x0-0.5, 0.8), bh, colorBar, val(a), val(a+h.Width), c)
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, pad, ht-pad, w-pad, ht-pad)
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl">%s</text>`, pad, ht-pad+16, val(lo))
	if h.Log {
		// A label at every power of ten inside the axis.
		for p := math.Ceil(lo); p < hi; p++ {
			if x(p)-pad > 40 && w-pad-x(p) > 40 {
				fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="axis"/><text x="%.1f" y="%d" text-anchor="middle" class="lbl">%s</text>`,
					x(p), ht-pad, x(p), ht-pad+4, x(p), ht-pad+16, val(p))
			}
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, w-pad, ht-pad+16, val(hi))
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl">max %s per bin, %d bins</text>`, pad, pad-10, statInt(mx), n)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// profileSVG draws observed shares as bars and expected shares as a line.
func profileSVG(labels []string, obs []int64, exp []float64) template.HTML {
	const w, ht, pad = 420, 170, 30
	n := len(obs)
	var total float64
	for _, c := range obs {
		total += float64(c)
	}
	share := make([]float64, n)
	mx := 0.0
	for i, c := range obs {
		if total > 0 {
			share[i] = float64(c) / total
		}
		mx = math.Max(mx, share[i])
	}
	for _, e := range exp {
		mx = math.Max(mx, e)
	}
	var b strings.Builder
	svgOpen(&b, w, ht, "")
	bw := float64(w-2*pad) / float64(n)
	y := func(s float64) float64 {
		if mx == 0 {
			return ht - pad
		}
		return ht - pad - s/mx*(ht-2*pad)
	}
	for i := range obs {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#8fb3d9"><title>%s: %d rows (%.2f%%)</title></rect>`,
			pad+float64(i)*bw, y(share[i]), math.Max(bw-2, 1), ht-pad-y(share[i]), esc(labels[i]), obs[i], 100*share[i])
		if n <= 12 || i%3 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" class="lbl">%s</text>`, pad+(float64(i)+0.5)*bw, ht-pad+14, esc(labels[i]))
		}
	}
	if len(exp) == n {
		var pts []string
		for i, e := range exp {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", pad+(float64(i)+0.5)*bw, y(e)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#c0392b" stroke-width="2"/>`, strings.Join(pts, " "))
		for i, e := range exp {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#c0392b"><title>declared %s: %.2f%%</title></circle>`, pad+(float64(i)+0.5)*bw, y(e), esc(labels[i]), 100*e)
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, pad, ht-pad, w-pad, ht-pad)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// dailySVG draws rows per day with effect windows shaded.
func dailySVG(start string, days []int64, wins []EffectWindow) template.HTML {
	const w, ht, pad = 1200, 170, 36
	d0, err := civil.ParseMicros(start)
	if err != nil {
		return ""
	}
	n := len(days)
	var mx int64
	for _, c := range days {
		mx = max(mx, c)
	}
	x := func(day float64) float64 { return pad + day/float64(max(n-1, 1))*(w-2*pad) }
	y := func(c int64) float64 {
		if mx == 0 {
			return ht - pad
		}
		return ht - pad - float64(c)/float64(mx)*(ht-2*pad)
	}
	var b strings.Builder
	svgOpen(&b, w, ht, " wide")
	for _, win := range wins {
		s, err1 := civil.ParseMicros(win.Start)
		e, err2 := civil.ParseMicros(win.End)
		if err1 != nil || err2 != nil {
			continue
		}
		a := float64(s-d0) / usPerDay
		z := float64(e-d0) / usPerDay
		if z < 0 || a > float64(n-1) {
			continue
		}
		a, z = math.Max(a, 0), math.Min(z, float64(n-1))
		val := ""
		if win.Value != nil {
			val = " ×" + fmtNum(*win.Value)
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#f5b041" fill-opacity="0.25"><title>%s %s → %s%s</title></rect>`,
			x(a), pad, math.Max(x(z)-x(a), 1), ht-2*pad, esc(win.Effect), esc(win.Start), esc(win.End), esc(val))
	}
	var pts []string
	for i, c := range days {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(i)), y(c)))
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#3b6ea5" stroke-width="1.2"/>`, strings.Join(pts, " "))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, pad, ht-pad, w-pad, ht-pad)
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl">%s</text>`, pad, ht-pad+16, start)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, w-pad, ht-pad+16, civil.FormatDate(d0+int64(n-1)*usPerDay))
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl">max %d/day</text>`, pad, pad-10, mx)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// scoreSVG draws each category's points against its maximum.
func scoreSVG(s Score, pass bool) template.HTML {
	color := "#27ae60"
	if !pass {
		color = colorFail
	}
	const w, rowH, labelW = 560, 30, 110
	cats := []CategoryScore{}
	for _, c := range s.Categories {
		if c.Total > 0 {
			cats = append(cats, c)
		}
	}
	h := rowH*len(cats) + 10
	var b strings.Builder
	svgOpen(&b, w, h, " score")
	for i, c := range cats {
		y := 5 + i*rowH
		full := c.EffectiveWeight * 100 / 100 * (w - labelW - 130)
		got := full * c.Score / 100
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, labelW-6, y+17, esc(string(c.Category)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#e5e8ec"/>`, labelW, y+4, full, rowH-10)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%d/%d passed</title></rect>`, labelW, y+4, got, rowH-10, color, c.Passed, c.Total)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="val">%.2f / %.2f pts (%d/%d)</text>`, float64(labelW)+full+6, y+17, c.Points, c.EffectiveWeight*100, c.Passed, c.Total)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// pageTmpl is parsed on first use, not at start-up.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"num": func(x any) string {
			switch t := x.(type) {
			case *float64:
				if t == nil {
					return "–"
				}
				return fmtNum(*t)
			case float64:
				return fmtNum(t)
			case int64:
				return strconv.FormatInt(t, 10)
			}
			return fmt.Sprint(x)
		},
		"stat": stat,
		"int":  statInt,
		"sortedIDs": func(m map[string]Counts) []string {
			ids := make([]string, 0, len(m))
			for k := range m {
				ids = append(ids, k)
			}
			sort.Strings(ids)
			return ids
		},
	}).Parse(pageHTML))
})

// PageCSS is the style that datagen's HTML pages (the validation report,
// the twin comparison) share: the page, its header and its sections.
const PageCSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d2733;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}
header .meta{opacity:.8;font-size:12px;margin-top:4px}
main{padding:18px 28px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:14px 18px;margin-bottom:16px}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:15px;margin:14px 0 6px}
`

const pageHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Verdict.Pass}}PASS{{else}}FAIL{{end}} — datagen validation — {{.R.Metadata.DatasetName}}</title>
<style>
` + PageCSS + `#verdict{border-width:2px}
#verdict.pass{border-color:#1e8449;background:#eafaf1}
#verdict.fail{border-color:#c0392b;background:#fdedec}
.verdict{font-size:40px;font-weight:800;letter-spacing:.04em}
#verdict.pass .verdict,#verdict.pass .score{color:#1e8449}
#verdict.fail .verdict,#verdict.fail .score{color:#c0392b}
.score{font-size:40px;font-weight:700}
.kpis{display:flex;gap:28px;align-items:center;flex-wrap:wrap}
.kpi b{display:block;font-size:22px}
.reasons{margin:8px 0 0;padding-left:20px;font-size:15px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e5e8ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pass{color:#1e8449}.fail{color:#c0392b;font-weight:600}
.badge{display:inline-block;font-size:11px;font-weight:700;padding:0 6px;border-radius:3px;color:#fff;background:#c0392b;margin-right:6px}
.badge.soft{background:#b9770e}
tr.hard td{background:#fdedec}
tr.failing td{background:#fdedec}
section.failing{border:2px solid #c0392b}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:14px;margin-top:10px}
.overview{display:grid;grid-template-columns:minmax(300px,1fr) minmax(300px,1fr);gap:18px;align-items:start}
figure{margin:0;border:1px solid #e5e8ec;border-radius:4px;padding:6px;background:#fff;min-width:0}
figure.wide{grid-column:1/-1}
figcaption{font-size:12px;color:#4a5663;margin-bottom:2px}
svg.chart{width:100%;height:auto;display:block}
svg.chart.score{max-width:620px}#rows svg.chart{max-width:760px}
svg.chart text.lbl{font-size:11px;fill:#4a5663}
svg.chart text.val{font-size:11px;fill:#1d2733}
svg.chart line.axis{stroke:#9aa5b1}
.distinct{font-size:14px;padding:10px 4px}
.distinct b{font-size:22px}
.distinct code{font-size:12px;background:#f0f2f5;padding:0 3px;border-radius:2px}
details>summary{cursor:pointer;font-weight:600;font-size:15px}
input#filter{padding:4px 8px;width:320px;margin-bottom:8px}
.muted{color:#6b7785}
</style></head>
<body>
<header><h1>Validation report — {{.R.Metadata.DatasetName}}</h1>
<div class="meta">data: {{.R.Metadata.DataDirectory}}{{if .R.Metadata.Format}} ({{.R.Metadata.Format}}){{end}} · {{int .R.Metadata.TotalRows}} rows · generated {{.Generated}} · datagen {{.R.Metadata.DatagenVersion}}</div></header>
<main>
<section id="verdict" class="{{if .Verdict.Pass}}pass{{else}}fail{{end}}" data-verdict="{{if .Verdict.Pass}}PASS{{else}}FAIL{{end}}">
<div class="kpis">
<div class="verdict">{{if .Verdict.Pass}}PASS{{else}}FAIL{{end}}</div>
<div class="score" id="score" title="quality score">{{printf "%.2f" .R.Summary.QualityScore}}</div>
<div class="kpi"><b>{{printf "%.4g" .Verdict.MinScore}}</b>minimum score</div>
<div class="kpi"><b class="{{if .R.Summary.HardFailures}}fail{{end}}">{{.R.Summary.HardFailures}}</b>hard failures</div>
<div class="kpi"><b class="{{if .R.Summary.Failed}}fail{{end}}">{{.R.Summary.Failed}}</b>failed</div>
<div class="kpi"><b>{{.R.Summary.Passed}}</b>passed of {{.R.Summary.TotalValidations}}</div>
</div>
{{if .R.Metadata.DryRunSample}}<p id="preview">This data is a <b>preview</b>: every table was capped at {{.R.Metadata.DryRunSample}} rows. Fanout checks only the upper bound of the children per parent; counts and distributions describe the sample.</p>{{end}}
{{if .Verdict.Pass}}<p>Every hard check passed and the quality score reaches the minimum.</p>{{else}}<ul class="reasons">{{range .Verdict.Reasons}}<li>{{.}}</li>{{end}}</ul>
{{if .Verdict.FailingTables}}<p>Failing tables: {{range $i, $t := .Verdict.FailingTables}}{{if $i}}, {{end}}<a href="#t-{{$t}}" class="fail">{{$t}}</a>{{end}}</p>{{end}}{{end}}
</section>
{{if .R.Failures}}<section id="failures"><h2>Failures</h2>
<table><tr><th>check</th><th>table</th><th>message</th></tr>
{{range .Hard}}<tr class="hard"><td><span class="badge">HARD</span>{{.Name}}</td><td>{{.Table}}</td><td>{{.Message}}</td></tr>{{end}}
{{range .Soft}}<tr><td><span class="badge soft">score</span>{{.Name}}</td><td>{{.Table}}</td><td>{{.Message}}</td></tr>{{end}}
</table>
{{if .R.Recommendations}}<h3>Recommendations</h3><ul>{{range .R.Recommendations}}<li>{{.}}</li>{{end}}</ul>{{end}}
</section>{{end}}
<section id="summary"><h2>Quality score</h2>
<p class="muted">score = Σ weight × pass rate over the categories that have checks (weights 0.5 structural, 0.3 value, 0.2 behavioural; an empty category's weight goes to structural). Hard failures fail the dataset whatever the score.</p>
{{.ScoreSVG}}
{{if .R.Summary.Score.Deductions}}<h3>Points lost</h3>
<table><tr><th>check</th><th>category</th><th>points</th><th>why</th></tr>
{{range .R.Summary.Score.Deductions}}<tr><td>{{.Name}}</td><td>{{.Category}}</td><td class="n">−{{printf "%.2f" .Points}}</td><td>{{.Message}}</td></tr>{{end}}
</table>{{end}}
{{if not .R.Failures}}{{if .R.Recommendations}}<h3>Recommendations</h3><ul>{{range .R.Recommendations}}<li>{{.}}</li>{{end}}</ul>{{end}}{{end}}
</section>
<section id="rows"><h2>Rows per table</h2>
<div class="overview"><div>{{.RowsSVG}}</div>
<table><tr><th>table</th><th>kind</th><th>file</th><th>rows</th><th>checks passed</th></tr>
{{range .Tables}}<tr{{if .Failing}} class="failing"{{end}}><td>{{if .Failing}}<span class="badge">FAIL</span>{{end}}<a href="#t-{{.T.ID}}">{{.T.ID}}</a></td><td>{{.T.Kind}}</td><td>{{if .T.Present}}{{.T.File}}{{else}}<span class="fail">missing</span>{{end}}</td><td class="n">{{int .T.Rows}}</td><td class="n">{{.Counts.Passed}}/{{.Counts.Total}}</td></tr>{{end}}
</table></div></section>
{{range .Tables}}<section id="t-{{.T.ID}}"{{if .Failing}} class="failing"{{end}}><details {{if .T.Present}}open{{end}}><summary>{{if .Failing}}<span class="badge">FAIL</span>{{end}}{{.T.ID}} <span class="muted">({{.T.Kind}}, {{int .T.Rows}} rows, {{.Counts.Passed}}/{{.Counts.Total}} checks passed)</span></summary>
{{range .T.Trends}}<p class="muted">Declared: {{.}}</p>{{end}}
<table><tr><th>column</th><th>type</th><th>nulls</th><th>distinct</th><th>min</th><th>max</th><th>mean</th><th>std</th></tr>
{{range .T.Columns}}<tr><td>{{.Name}}{{if .Missing}} <span class="fail">missing</span>{{end}}</td><td>{{.Type}}{{if .Nullable}}?{{end}}</td><td class="n">{{int .Nulls}}{{if .TypeErrors}} <span class="fail" title="values that are not of the column's type">+{{int .TypeErrors}} unreadable</span>{{end}}</td><td class="n">{{if not .DistinctExact}}≈{{end}}{{int .Distinct}}</td>
<td class="n">{{if .MinTime}}{{.MinTime}}{{else}}{{stat .Min}}{{end}}</td><td class="n">{{if .MaxTime}}{{.MaxTime}}{{else}}{{stat .Max}}{{end}}</td><td class="n">{{stat .Mean}}</td><td class="n">{{stat .Std}}</td></tr>{{end}}
</table>
<div class="charts">{{range .Charts}}<figure{{if .Wide}} class="wide"{{end}}><figcaption>{{.Title}}</figcaption>{{.SVG}}</figure>{{end}}</div>
</details></section>{{end}}
<section id="results"><h2>All checks</h2>
<input id="filter" type="search" placeholder="filter checks (e.g. fail, orders, range)">
<table id="checks"><tr><th>check</th><th>category</th><th>result</th><th>message</th></tr>
{{range .R.Results}}<tr data-text="{{.Name}} {{.Category}} {{if .Passed}}pass{{else}}fail{{end}}{{if .Hard}} hard{{end}}"{{if and .Hard (not .Passed)}} class="hard"{{end}}><td>{{.Name}}{{if .Hard}} <span class="muted">(hard)</span>{{end}}</td><td>{{.Category}}</td><td class="{{if .Passed}}pass{{else}}fail{{end}}">{{if .Passed}}pass{{else}}FAIL{{end}}</td><td>{{.Message}}</td></tr>{{end}}
</table></section>
</main>
<script>
(function(){
  var f=document.getElementById('filter');
  var rows=document.querySelectorAll('#checks tr[data-text]');
  f.addEventListener('input',function(){
    var q=f.value.toLowerCase();
    rows.forEach(function(r){r.style.display=r.getAttribute('data-text').toLowerCase().indexOf(q)>=0?'':'none';});
  });
  document.body.setAttribute('data-ready','1');
})();
</script>
</body></html>
`
