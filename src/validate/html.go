package validate

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"datagen/src/civil"
)

// WriteHTML writes the report as one self-contained HTML page (inline CSS,
// SVG charts and a small script; nothing is loaded from the network):
// the score and its breakdown, the failures, row counts, and per table the
// column statistics, histograms, top values, observed and declared time
// profiles and the daily series with effect windows.
func (r *Report) WriteHTML(w io.Writer) error {
	if err := pageTmpl.Execute(w, r.view()); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

type htmlView struct {
	R         *Report
	ScoreSVG  template.HTML
	RowsSVG   template.HTML
	Tables    []htmlTable
	Generated string
}

type htmlTable struct {
	T      TableStats
	Counts Counts
	Charts []htmlChart
}

type htmlChart struct {
	Title string
	SVG   template.HTML
}

func (r *Report) view() htmlView {
	v := htmlView{R: r, Generated: r.Metadata.Timestamp}
	v.ScoreSVG = scoreSVG(r.Summary.Score)
	var labels []string
	var vals []float64
	for _, t := range r.Tables {
		labels = append(labels, t.ID)
		vals = append(vals, float64(t.Rows))
	}
	v.RowsSVG = hbarSVG(labels, vals, "#3b6ea5")
	expected := map[string][]float64{}
	for _, res := range r.Results {
		if i := strings.LastIndex(res.Name, ".seasonality_"); i > 0 {
			if e := floats(res.Details["expected"]); e != nil && res.Details["observed"] != nil {
				expected[res.Name] = e
			}
		}
	}
	for _, t := range r.Tables {
		ht := htmlTable{T: t, Counts: r.Summary.ByTable[t.ID]}
		for _, c := range t.Columns {
			prefix := t.ID + "." + c.Name
			switch {
			case c.Histogram != nil:
				ht.Charts = append(ht.Charts, htmlChart{c.Name + " — histogram", histSVG(c.Histogram)})
			}
			if len(c.Top) > 0 {
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
				ht.Charts = append(ht.Charts, htmlChart{c.Name + " — top values", hbarSVG(l, x, "#6a8f3b")})
			}
			if len(c.Weekday) > 0 {
				for _, d := range []struct {
					dim    string
					labels []string
					obs    []int64
				}{
					{"dow", []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, c.Weekday},
					{"hour", hourLabels(), c.Hour},
					{"month", []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}, c.Month},
				} {
					exp := expected[prefix+".seasonality_"+d.dim]
					title := c.Name + " — by " + map[string]string{"dow": "weekday", "hour": "hour (UTC)", "month": "month"}[d.dim]
					if exp != nil {
						title += " (bars observed, line declared)"
					}
					ht.Charts = append(ht.Charts, htmlChart{title, profileSVG(d.labels, d.obs, exp)})
				}
				if len(c.Daily) > 1 {
					wins := append([]EffectWindow(nil), t.Windows...)
					title := c.Name + " — rows per day"
					if len(wins) > 0 {
						title += " (shaded: effect windows)"
					}
					ht.Charts = append(ht.Charts, htmlChart{title, dailySVG(c.DailyStart, c.Daily, wins)})
				}
			}
		}
		v.Tables = append(v.Tables, ht)
	}
	return v
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

// hbarSVG draws horizontal bars with labels and values.
func hbarSVG(labels []string, vals []float64, color string) template.HTML {
	const w, rowH, labelW = 560, 20, 170
	h := rowH*len(labels) + 10
	mx := 0.0
	for _, x := range vals {
		mx = math.Max(mx, x)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, w, h, w, h)
	for i, l := range labels {
		y := 5 + i*rowH
		bw := 0.0
		if mx > 0 {
			bw = vals[i] / mx * (w - labelW - 70)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, labelW-6, y+14, esc(truncate(l, 28)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`, labelW, y+3, math.Max(bw, 1), rowH-6, color, esc(l), fmtNum(vals[i]))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="val">%s</text>`, float64(labelW)+math.Max(bw, 1)+4, y+14, fmtNum(vals[i]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// histSVG draws a histogram.
func histSVG(h *Histogram) template.HTML {
	const w, ht, pad = 420, 170, 30
	n := len(h.Counts)
	var mx int64
	for _, c := range h.Counts {
		mx = max(mx, c)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, w, ht, w, ht)
	bw := float64(w-2*pad) / float64(n)
	for i, c := range h.Counts {
		bh := 0.0
		if mx > 0 {
			bh = float64(c) / float64(mx) * (ht - 2*pad)
		}
		lo := h.Lo + float64(i)*h.Width
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#3b6ea5"><title>[%s, %s): %d</title></rect>`,
			pad+float64(i)*bw, ht-pad-bh, math.Max(bw-1, 0.5), bh, fmtNum(lo), fmtNum(lo+h.Width), c)
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, pad, ht-pad, w-pad, ht-pad)
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl">%s</text>`, pad, ht-pad+16, fmtNum(h.Lo))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, w-pad, ht-pad+16, fmtNum(h.Lo+float64(n)*h.Width))
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="lbl">max %d</text>`, pad, pad-10, mx)
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
	fmt.Fprintf(&b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, w, ht, w, ht)
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
	const w, ht, pad = 860, 200, 36
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
	fmt.Fprintf(&b, `<svg class="chart wide" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, w, ht, w, ht)
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
func scoreSVG(s Score) template.HTML {
	const w, rowH, labelW = 560, 30, 110
	cats := []CategoryScore{}
	for _, c := range s.Categories {
		if c.Total > 0 {
			cats = append(cats, c)
		}
	}
	h := rowH*len(cats) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, w, h, w, h)
	for i, c := range cats {
		y := 5 + i*rowH
		full := c.EffectiveWeight * 100 / 100 * (w - labelW - 130)
		got := full * c.Score / 100
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, labelW-6, y+17, esc(string(c.Category)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#e5e8ec"/>`, labelW, y+4, full, rowH-10)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#27ae60"><title>%d/%d passed</title></rect>`, labelW, y+4, got, rowH-10, c.Passed, c.Total)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="val">%.2f / %.2f pts (%d/%d)</text>`, float64(labelW)+full+6, y+17, c.Points, c.EffectiveWeight*100, c.Passed, c.Total)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

var pageTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
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
	"scoreClass": func(s float64) string {
		switch {
		case s >= 90:
			return "good"
		case s >= 80:
			return "fair"
		}
		return "bad"
	},
	"sortedIDs": func(m map[string]Counts) []string {
		ids := make([]string, 0, len(m))
		for k := range m {
			ids = append(ids, k)
		}
		sort.Strings(ids)
		return ids
	},
}).Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>datagen validation — {{.R.Metadata.DatasetName}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d2733;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}
header .meta{opacity:.8;font-size:12px;margin-top:4px}
main{padding:18px 28px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:14px 18px;margin-bottom:16px}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:15px;margin:14px 0 6px}
.score{font-size:44px;font-weight:700}
.good{color:#1e8449}.fair{color:#b9770e}.bad{color:#c0392b}
.kpis{display:flex;gap:28px;align-items:center;flex-wrap:wrap}
.kpi b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e5e8ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1e8449}.fail{color:#c0392b;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:14px}
figure{margin:0;border:1px solid #e5e8ec;border-radius:4px;padding:6px;background:#fff}
figcaption{font-size:12px;color:#4a5663;margin-bottom:2px}
svg.chart text.lbl{font-size:11px;fill:#4a5663}
svg.chart text.val{font-size:11px;fill:#1d2733}
svg.chart line.axis{stroke:#9aa5b1}
details>summary{cursor:pointer;font-weight:600;font-size:15px}
input#filter{padding:4px 8px;width:320px;margin-bottom:8px}
.muted{color:#6b7785}
</style></head>
<body>
<header><h1>Validation report — {{.R.Metadata.DatasetName}}</h1>
<div class="meta">data: {{.R.Metadata.DataDirectory}} · {{.R.Metadata.TotalRows}} rows · generated {{.Generated}} · datagen {{.R.Metadata.DatagenVersion}}</div></header>
<main>
<section id="summary"><h2>Quality score</h2>
<div class="kpis">
<div class="score {{scoreClass .R.Summary.QualityScore}}" id="score">{{printf "%.2f" .R.Summary.QualityScore}}</div>
<div class="kpi"><b>{{.R.Summary.TotalValidations}}</b>checks</div>
<div class="kpi"><b class="pass">{{.R.Summary.Passed}}</b>passed</div>
<div class="kpi"><b class="{{if .R.Summary.Failed}}fail{{end}}">{{.R.Summary.Failed}}</b>failed</div>
<div class="kpi"><b class="{{if .R.Summary.HardFailures}}fail{{end}}">{{.R.Summary.HardFailures}}</b>hard failures</div>
</div>
<h3>Score breakdown</h3>
<p class="muted">score = Σ weight × pass rate over the categories that have checks (weights 0.5 structural, 0.3 value, 0.2 behavioural, renormalised over non-empty categories).</p>
{{.ScoreSVG}}
{{if .R.Summary.Score.Deductions}}<h3>Points lost</h3>
<table><tr><th>check</th><th>category</th><th>points</th><th>why</th></tr>
{{range .R.Summary.Score.Deductions}}<tr><td>{{.Name}}</td><td>{{.Category}}</td><td class="n">−{{printf "%.2f" .Points}}</td><td>{{.Message}}</td></tr>{{end}}
</table>{{end}}
{{if .R.Recommendations}}<h3>Recommendations</h3><ul>{{range .R.Recommendations}}<li>{{.}}</li>{{end}}</ul>{{end}}
</section>
<section id="rows"><h2>Rows per table</h2>{{.RowsSVG}}
<table><tr><th>table</th><th>kind</th><th>file</th><th>rows</th><th>checks passed</th></tr>
{{range .Tables}}<tr><td><a href="#t-{{.T.ID}}">{{.T.ID}}</a></td><td>{{.T.Kind}}</td><td>{{if .T.Present}}{{.T.File}}{{else}}<span class="fail">missing</span>{{end}}</td><td class="n">{{.T.Rows}}</td><td class="n">{{.Counts.Passed}}/{{.Counts.Total}}</td></tr>{{end}}
</table></section>
{{range .Tables}}<section id="t-{{.T.ID}}"><details {{if .T.Present}}open{{end}}><summary>{{.T.ID}} <span class="muted">({{.T.Kind}}, {{.T.Rows}} rows)</span></summary>
{{range .T.Trends}}<p class="muted">Declared: {{.}}</p>{{end}}
<table><tr><th>column</th><th>type</th><th>nulls</th><th>distinct</th><th>min</th><th>max</th><th>mean</th><th>std</th></tr>
{{range .T.Columns}}<tr><td>{{.Name}}{{if .Missing}} <span class="fail">missing</span>{{end}}</td><td>{{.Type}}{{if .Nullable}}?{{end}}</td><td class="n">{{.Nulls}}</td><td class="n">{{.Distinct}}{{if not .DistinctExact}}≈{{end}}</td>
<td class="n">{{if .MinTime}}{{.MinTime}}{{else}}{{num .Min}}{{end}}</td><td class="n">{{if .MaxTime}}{{.MaxTime}}{{else}}{{num .Max}}{{end}}</td><td class="n">{{num .Mean}}</td><td class="n">{{num .Std}}</td></tr>{{end}}
</table>
<div class="charts">{{range .Charts}}<figure><figcaption>{{.Title}}</figcaption>{{.SVG}}</figure>{{end}}</div>
</details></section>{{end}}
<section id="results"><h2>All checks</h2>
<input id="filter" type="search" placeholder="filter checks (e.g. fail, orders, range)">
<table id="checks"><tr><th>check</th><th>category</th><th>result</th><th>message</th></tr>
{{range .R.Results}}<tr data-text="{{.Name}} {{.Category}} {{if .Passed}}pass{{else}}fail{{end}}"><td>{{.Name}}{{if .Hard}} <span class="muted">(hard)</span>{{end}}</td><td>{{.Category}}</td><td class="{{if .Passed}}pass{{else}}fail{{end}}">{{if .Passed}}pass{{else}}FAIL{{end}}</td><td>{{.Message}}</td></tr>{{end}}
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
