package twin

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"

	"datagen/src/validate"
)

// Page names what a comparison report compares, for its HTML page.
type Page struct {
	Original, Synthetic, Schema string
}

// WriteHTML writes the report as one self-contained HTML page (inline CSS
// and SVG, nothing loaded from the network): the similarity and privacy
// figures, each table's score with what it is made of, and per column the
// distance between the original and the twin.
func (r *Report) WriteHTML(w io.Writer, p Page) error {
	v := htmlView{R: r, P: p, TablesSVG: scoresSVG(r.Tables)}
	if err := comparePage().Execute(w, v); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

type htmlView struct {
	R         *Report
	P         Page
	TablesSVG template.HTML
}

// scoresSVG draws one bar per table: its score out of 100.
func scoresSVG(ts []*TableReport) template.HTML {
	const w, rowH, labelW = 640, 24, 170
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="score per table">`, w, rowH*len(ts)+8)
	for i, t := range ts {
		y := 4 + i*rowH
		full := float64(w - labelW - 60)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, labelW-6, y+15, template.HTMLEscapeString(t.Table))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#e5e8ec"/>`, labelW, y+3, full, rowH-8)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %.2f</title></rect>`, labelW, y+3, full*math.Max(t.Score, 0)/100, rowH-8, scoreColor(t.Score), template.HTMLEscapeString(t.Table), t.Score)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="val">%.1f</text>`, float64(labelW)+full+6, y+15, t.Score)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// scoreColor is green from 90, amber from 75, else red.
func scoreColor(s float64) string {
	switch {
	case s >= 90:
		return "#27ae60"
	case s >= 75:
		return "#d68910"
	}
	return "#c0392b"
}

// comparePage is parsed on first use, not at start-up.
var comparePage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("compare").Funcs(template.FuncMap{
		"pct": func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
		"f2":  func(x float64) string { return fmt.Sprintf("%.2f", x) },
		"f4":  func(x float64) string { return fmt.Sprintf("%.4f", x) },
		"opt": func(x *float64) string {
			if x == nil {
				return "–"
			}
			return fmt.Sprintf("%.4f", *x)
		},
		"color": scoreColor,
		"bar": func(score float64) template.HTML {
			return template.HTML(fmt.Sprintf(`<span class="bar"><span style="width:%.1f%%;background:%s"></span></span>`, math.Max(0, math.Min(score, 100)), scoreColor(score)))
		},
	}).Parse(comparePageHTML))
})

const comparePageHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{f2 .R.Similarity}} — datagen twin comparison</title>
<style>
` + validate.PageCSS + `.kpis{display:flex;gap:28px;align-items:center;flex-wrap:wrap}
.kpi b{display:block;font-size:22px}
.score{font-size:40px;font-weight:700}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e5e8ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.fail{color:#c0392b;font-weight:600}.ok{color:#1e8449}
.bar{display:inline-block;width:90px;height:9px;background:#e5e8ec;margin-right:6px;vertical-align:middle}
.bar span{display:block;height:9px}
svg.chart{width:100%;max-width:760px;height:auto;display:block}
svg.chart text.lbl{font-size:11px;fill:#4a5663}
svg.chart text.val{font-size:11px;fill:#1d2733}
details>summary{cursor:pointer;font-weight:600;font-size:15px}
.muted{color:#6b7785}
</style></head>
<body>
<header><h1>Twin comparison{{if .P.Schema}} — {{.P.Schema}}{{end}}</h1>
<div class="meta">original: {{.P.Original}} · twin: {{.P.Synthetic}} · privacy threshold k = {{.R.Privacy.K}}</div></header>
<main>
<section id="overall"><div class="kpis">
<div class="score" id="similarity" style="color:{{color .R.Similarity}}" title="similarity 0–100">{{f2 .R.Similarity}}</div>
<div class="kpi"><b>{{len .R.Tables}}</b>tables compared</div>
<div class="kpi"><b id="copied" class="{{if .R.Privacy.CopiedRowsHighCardinality}}fail{{end}}">{{.R.Privacy.CopiedRows}}</b>rows copied ({{.R.Privacy.CopiedRowsHighCardinality}} in tables with a high-cardinality column)</div>
<div class="kpi"><b class="{{if .R.Privacy.RareValuesLeaked}}fail{{end}}">{{.R.Privacy.RareValuesLeaked}}</b>of {{.R.Privacy.RareValues}} rare values in the twin</div>
</div>
{{if .R.Missing}}<p class="fail">Not compared: {{range $i, $m := .R.Missing}}{{if $i}}, {{end}}{{$m}}{{end}}</p>{{end}}
{{if .R.Empty}}<p>Not compared (no rows in the original): {{range $i, $m := .R.Empty}}{{if $i}}, {{end}}{{$m}}{{end}}</p>{{end}}
<p class="muted">Similarity is the mean of the tables' scores, weighted by their compared items (columns + 1). A table's score is the mean, × 100, of: the row-count score 1 − |log(twin rows / original rows)|; each column's score (1 − distance − ¼ hour TV − ¼ weekday TV − null-rate difference; KS for numbers and times, total variation for categories, lengths and distinct share for high-cardinality text, the spread of references over the parents for foreign keys); each foreign key's resolved share; 1 − the fanout KS; 1 − the mean correlation difference. Primary keys are not compared.</p>
</section>
<section id="tables"><h2>Score per table</h2>
{{.TablesSVG}}
<table><tr><th>table</th><th>score</th><th>rows (original → twin)</th><th>copied rows</th><th>closest record: twin median (original's own)</th></tr>
{{range .R.Tables}}<tr><td><a href="#t-{{.Table}}">{{.Table}}</a></td><td class="n">{{bar .Score}}{{f2 .Score}}</td><td class="n">{{.OriginalRows}} → {{.SyntheticRows}}</td><td class="n{{if and .HighCardinality .CopiedRows}} fail{{end}}">{{.CopiedRows}}{{if .HighCardinality}} <span class="muted">(high-cardinality)</span>{{end}}</td><td class="n">{{with .ClosestRecord}}{{f4 .TwinMedian}} ({{f4 .OriginalMedian}}){{else}}–{{end}}</td></tr>{{end}}
</table></section>
{{range .R.Tables}}<section id="t-{{.Table}}"><details open><summary>{{.Table}} <span class="muted">(score {{f2 .Score}}, {{.OriginalRows}} → {{.SyntheticRows}} rows)</span></summary>
<table><tr><th>column</th><th>type</th><th>metric</th><th>distance</th><th>null rate (original / twin)</th><th>hour TV</th><th>weekday TV</th><th>rare values (in twin)</th><th>score</th></tr>
{{range .Columns}}<tr><td>{{.Column}}</td><td>{{.Type}}</td><td>{{.Metric}}</td><td class="n">{{f4 .Distance}}</td><td class="n">{{f4 .NullRateOriginal}} / {{f4 .NullRateSynthetic}}</td><td class="n">{{opt .Hour}}</td><td class="n">{{opt .Weekday}}</td><td class="n">{{.RareValues}} ({{.RareLeaked}})</td><td class="n">{{bar .Score}}{{f2 .Score}}</td></tr>{{end}}
</table>
{{if .ForeignKeys}}<h3>Foreign keys</h3><table><tr><th>column</th><th>references</th><th>resolved in the twin</th></tr>
{{range .ForeignKeys}}<tr><td>{{.Column}}</td><td>{{.References}}</td><td class="n{{if lt .Resolved 1.0}} fail{{end}}">{{pct .Resolved}}</td></tr>{{end}}</table>{{end}}
{{with .Fanout}}<h3>Children per {{.Parent}}</h3><p>mean {{f4 .MeanOriginal}} (original) and {{f4 .MeanSynthetic}} (twin); KS distance of the distributions {{f4 .KS}}</p>{{end}}
{{with .Correlations}}<h3>Correlations</h3><p>{{.Pairs}} pair(s) of number columns; mean absolute difference {{f4 .MeanAbsDiff}}, largest {{f4 .MaxAbsDiff}}{{if .MaxPair}} ({{.MaxPair}}){{end}}</p>{{end}}
{{with .ClosestRecord}}<h3>Distance to the closest original record</h3><p>over {{.Columns}} number columns: twin rows median {{f4 .TwinMedian}}, 5th percentile {{f4 .TwinP5}}; original rows against the rest of the original median {{f4 .OriginalMedian}}, 5th percentile {{f4 .OriginalP5}}</p>{{end}}
</details></section>{{end}}
<section id="privacy"><h2>Privacy</h2>
<p>Rows of the twin equal to a row of the original: <b>{{.R.Privacy.CopiedRows}}</b>, of which <b class="{{if .R.Privacy.CopiedRowsHighCardinality}}fail{{else}}ok{{end}}">{{.R.Privacy.CopiedRowsHighCardinality}}</b> in tables with a high-cardinality column (must be 0). Values seen fewer than {{.R.Privacy.K}} times in the original's text columns: {{.R.Privacy.RareValues}}, of which {{.R.Privacy.RareValuesLeaked}} appear in the twin (counted, never shown).</p>
</section>
</main>
</body></html>
`
