package validate

import (
	"fmt"
	"math"
	"sort"
)

// Category classifies a check for the quality score.
type Category string

// The three categories of checks.
const (
	// Structural checks: tables and columns exist, keys are unique, foreign
	// keys resolve, non-nullable columns hold no nulls, values have their
	// declared types.
	Structural Category = "structural"
	// Value checks: declared ranges, inequalities, patterns and enums.
	Value Category = "value"
	// Behavioural checks: targets, seasonality, outliers, trends, fanout.
	Behavioural Category = "behavioral"
)

// categoryWeights are the score weights of the categories.
var categoryWeights = []struct {
	Cat    Category
	Weight float64
}{{Structural, 0.5}, {Value, 0.3}, {Behavioural, 0.2}}

// Result is the outcome of one check.
type Result struct {
	// Name identifies the check, e.g. "orders.pk_unique" or
	// "orders.customer_id.range"; it starts with the table id.
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	// Category is the score category of the check.
	Category Category `json:"category"`
	// Hard is true for the checks whose failure makes validate exit 1
	// whatever the score: key uniqueness, foreign keys, non-null, types,
	// missing tables and columns.
	Hard bool `json:"hard"`
	// Table is the table the check is about.
	Table   string         `json:"table"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

// CategoryScore is one category's part of the quality score.
type CategoryScore struct {
	Category Category `json:"category"`
	// Weight is the declared weight; EffectiveWeight the weight after
	// the weights of empty categories went to the structural one (see
	// ComputeScore).
	Weight          float64 `json:"weight"`
	EffectiveWeight float64 `json:"effective_weight"`
	Total           int     `json:"total"`
	Passed          int     `json:"passed"`
	// Score is 100 · Passed / Total (0 for an empty category, which does
	// not count).
	Score float64 `json:"score"`
	// Points is the category's contribution to the quality score:
	// EffectiveWeight · Score.
	Points float64 `json:"points"`
}

// Deduction is what one failed check cost.
type Deduction struct {
	Name     string   `json:"name"`
	Category Category `json:"category"`
	// Points is the number of score points the failure cost:
	// 100 · EffectiveWeight / Total of its category.
	Points  float64 `json:"points"`
	Message string  `json:"message"`
}

// Score is the quality score with its breakdown.
type Score struct {
	// Value is 0–100, rounded to two decimals.
	Value      float64         `json:"quality_score"`
	Categories []CategoryScore `json:"categories"`
	Deductions []Deduction     `json:"deductions"`
}

// ComputeScore computes the quality score of results: the weighted mean
// of the categories' pass rates with weights 0.5 (structural), 0.3 (value)
// and 0.2 (behavioural). The weight of a category without any check goes
// to the structural category (whose checks every table has), so that an
// empty category never makes another's few checks dearer than their
// declared weight: a schema without value checks is scored 0.8 structural
// and 0.2 behavioural, and its one behavioural check still costs 20
// points, not 28.6. Without structural checks the weights of the
// non-empty categories are scaled to sum to 1. No results at all give 0.
// Each failed check costs 100·w/n points, w being its category's
// effective weight and n the number of checks in the category.
func ComputeScore(results []Result) Score {
	total := map[Category]int{}
	passed := map[Category]int{}
	for _, r := range results {
		total[r.Category]++
		if r.Passed {
			passed[r.Category]++
		}
	}
	weight := map[Category]float64{}
	wsum := 0.0
	for _, cw := range categoryWeights {
		if total[cw.Cat] > 0 {
			weight[cw.Cat] = cw.Weight
			wsum += cw.Weight
		}
	}
	if total[Structural] > 0 {
		weight[Structural] += 1 - wsum
		wsum = 1
	}
	var s Score
	eff := map[Category]float64{}
	for _, cw := range categoryWeights {
		cs := CategoryScore{Category: cw.Cat, Weight: cw.Weight, Total: total[cw.Cat], Passed: passed[cw.Cat]}
		if cs.Total > 0 && wsum > 0 {
			cs.EffectiveWeight = weight[cw.Cat] / wsum
			cs.Score = 100 * float64(cs.Passed) / float64(cs.Total)
			cs.Points = cs.EffectiveWeight * cs.Score
			s.Value += cs.Points
			eff[cw.Cat] = cs.EffectiveWeight
		}
		s.Categories = append(s.Categories, cs)
	}
	for _, r := range results {
		if r.Passed {
			continue
		}
		s.Deductions = append(s.Deductions, Deduction{Name: r.Name, Category: r.Category,
			Points: round2(100 * eff[r.Category] / float64(total[r.Category])), Message: r.Message})
	}
	sort.SliceStable(s.Deductions, func(i, j int) bool { return s.Deductions[i].Points > s.Deductions[j].Points })
	for i := range s.Categories {
		c := &s.Categories[i]
		c.EffectiveWeight, c.Score, c.Points = round4(c.EffectiveWeight), round2(c.Score), round2(c.Points)
	}
	s.Value = round2(s.Value)
	return s
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// pass and fail build results.
func newResult(cat Category, hard bool, table, name string, passed bool, details map[string]any, format string, args ...any) Result {
	if details == nil {
		details = map[string]any{}
	}
	return Result{Name: name, Passed: passed, Category: cat, Hard: hard, Table: table,
		Message: fmt.Sprintf(format, args...), Details: details}
}
