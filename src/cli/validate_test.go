package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shopData generates example/shop.json into a temporary directory.
func shopData(t *testing.T, format string) string {
	t.Helper()
	out := t.TempDir()
	if _, errs, code := datagen(t, "generate", shop, "-o", out, "--format", format, "--quiet"); code != 0 {
		t.Fatalf("generate exit %d: %s", code, errs)
	}
	return out
}

func TestValidateCommand(t *testing.T) {
	for _, format := range []string{"csv", "parquet"} {
		t.Run(format, func(t *testing.T) {
			dir := shopData(t, format)
			stdout, stderr, code := datagen(t, "validate", shop, "--data-dir", dir)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			if !strings.Contains(stdout, "Quality score: ") || !strings.Contains(stdout, "validation_report.json") {
				t.Errorf("summary:\n%s", stdout)
			}
			b, err := os.ReadFile(filepath.Join(dir, "validation_report.json"))
			if err != nil {
				t.Fatal(err)
			}
			var rep struct {
				Summary struct {
					Total        int     `json:"total_validations"`
					Score        float64 `json:"quality_score"`
					HardFailures int     `json:"hard_failures"`
				} `json:"summary"`
			}
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Summary.Total < 50 || rep.Summary.HardFailures != 0 || rep.Summary.Score < 80 {
				t.Errorf("summary %+v", rep.Summary)
			}
			// An unreachable minimum score fails with exit 1.
			if _, _, code := datagen(t, "validate", shop, "-d", dir, "--min-score", "100.5", "--quiet"); code != 1 {
				t.Errorf("--min-score 100.5: exit %d, want 1", code)
			}
		})
	}
}

func TestValidateExitCodes(t *testing.T) {
	dir := shopData(t, "csv")
	// Break the primary key of customer: the second data row repeats the first id.
	path := filepath.Join(dir, "customer.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	first := strings.SplitN(lines[1], ",", 2)[0]
	rest := strings.SplitN(lines[2], ",", 2)[1]
	lines[2] = first + "," + rest
	broken := t.TempDir()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if e.Name() == "customer.csv" {
			data = []byte(strings.Join(lines, "\n"))
		}
		if err := os.WriteFile(filepath.Join(broken, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	report := filepath.Join(t.TempDir(), "sub", "r.json")
	stdout, stderr, code := datagen(t, "validate", shop, "--data-dir", broken, "--report", report, "--min-score", "0")
	if code != 1 || !strings.Contains(stdout, "✗ customer.pk_unique [hard]") || !strings.Contains(stderr, "hard failure") {
		t.Errorf("duplicate pk: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(report); err != nil {
		t.Errorf("report not written: %v", err)
	}
	// report judges as validate does: exit 1, and the page is written
	// with the verdict first.
	page := filepath.Join(t.TempDir(), "r.html")
	stdout, stderr, code = datagen(t, "report", shop, "-d", broken, "-o", page, "--min-score", "0")
	if code != 1 || !strings.Contains(stdout, "FAIL: quality score") || !strings.Contains(stderr, "hard failure(s)") {
		t.Errorf("report on a duplicate pk: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(page); err != nil {
		t.Errorf("report page not written: %v", err)
	} else if p := string(b); !strings.Contains(p, `data-verdict="FAIL"`) || !strings.Contains(p, `<span class="badge">HARD</span>customer.pk_unique`) {
		t.Errorf("page lacks the FAIL verdict or the marked hard failure")
	}
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing data dir", []string{"validate", shop, "--data-dir", filepath.Join(dir, "nope")}, 1, "is not a directory"},
		{"no data dir flag", []string{"validate", shop}, 1, "data-dir"},
		{"bad schema", []string{"validate", filepath.Join(dir, "customer.csv"), "--data-dir", dir}, 1, "customer.csv"},
		{"report into a directory", []string{"validate", shop, "--data-dir", dir, "--report", dir}, 2, "writing report"},
		{"ragged csv", []string{"validate", shop, "--data-dir", raggedDir(t, dir)}, 1, "fields, the header has"},
		{"report min-score out of range", []string{"report", shop, "--data-dir", dir, "--min-score", "101"}, 1, "--min-score must be between 0 and 100"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := datagen(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d (want %d), stderr: %s", code, tc.code, stderr)
			}
		})
	}
}

// raggedDir copies dir with a malformed promotion.csv.
func raggedDir(t *testing.T, dir string) string {
	out := t.TempDir()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if e.Name() == "promotion.csv" {
			data = append(data, []byte("1,2\n")...)
		}
		_ = os.WriteFile(filepath.Join(out, e.Name()), data, 0o644)
	}
	return out
}

func TestReportCommand(t *testing.T) {
	dir := shopData(t, "parquet")
	out := filepath.Join(t.TempDir(), "report.html")
	stdout, stderr, code := datagen(t, "report", shop, "--data-dir", dir, "-o", out)
	if code != 0 || !strings.HasPrefix(stdout, "PASS: ") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"<!DOCTYPE html>", "OnlineShop", `data-verdict="PASS"`, "ordered_at — rows per day", "quantity: exponential trend"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// The promotion effect changes basket values, not how many orders a
	// day has: it is not shaded on the rows-per-day chart.
	if strings.Contains(page, "shaded: windows of effects") {
		t.Error("a value effect is shaded on a row-count chart")
	}

}

// TestValidateBadValue: a value that is not of its column's type is one
// type error naming the column and the value, not also a null; the
// recommendations fit the schema.
func TestValidateBadValue(t *testing.T) {
	dir := shopData(t, "csv")
	path := filepath.Join(dir, "customer.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	f := strings.Split(lines[1], ",")
	f[5] = "abc" // age
	lines[1] = strings.Join(f, ",")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "r.json")
	stdout, stderr, code := datagen(t, "validate", shop, "-d", dir, "--report", report)
	if code != 1 || !strings.Contains(stdout, `✗ customer.types [hard]: customer.age: 1 value(s) that are not an int, e.g. "abc"`) {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "customer.age.nullable") && strings.Contains(stdout, "✗ customer.age.nullable") {
		t.Errorf("the bad value is also counted as a null:\n%s", stdout)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Summary struct {
			Failed int `json:"failed"`
		} `json:"summary"`
		Tables []struct {
			ID      string `json:"id"`
			Columns []struct {
				Name       string `json:"name"`
				Nulls      int64  `json:"nulls"`
				TypeErrors int64  `json:"type_errors"`
			} `json:"columns"`
		} `json:"tables"`
		Recommendations []string `json:"recommendations"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Failed != 1 {
		t.Errorf("%d failed checks, want 1 (the type check)", rep.Summary.Failed)
	}
	for _, tb := range rep.Tables {
		for _, c := range tb.Columns {
			if tb.ID == "customer" && c.Name == "age" && (c.Nulls != 0 || c.TypeErrors != 1) {
				t.Errorf("customer.age: %d nulls, %d type errors; want 0 and 1", c.Nulls, c.TypeErrors)
			}
		}
	}
	for _, r := range rep.Recommendations {
		if strings.Contains(r, "null_rate") || strings.Contains(r, "sequence generator") {
			t.Errorf("recommendation does not fit the schema: %s", r)
		}
	}
}

// TestValidatePreview: data of generate --dry-run-sample is validated as a
// preview (its .metadata.json says so): fanout checks only the upper
// bound, targets allow the sample's noise, and the report says so.
func TestValidatePreview(t *testing.T) {
	out := t.TempDir()
	if _, errs, code := datagen(t, "generate", shop, "-o", out, "--format", "csv", "--dry-run-sample", "300", "--quiet", "--validate"); code != 0 {
		t.Fatalf("generate --dry-run-sample --validate: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(out, ".metadata.json"))
	if err != nil || !strings.Contains(string(b), `"dry_run_sample": 300`) {
		t.Fatalf(".metadata.json does not record the sample: %v %s", err, b)
	}
	stdout, stderr, code := datagen(t, "validate", shop, "-d", out)
	if code != 0 || !strings.Contains(stdout, "Preview: every table capped at 300 rows") {
		t.Errorf("validate a preview: exit %d\n%s\n%s", code, stdout, stderr)
	}
	page := filepath.Join(t.TempDir(), "r.html")
	if _, _, code := datagen(t, "report", shop, "-d", out, "-o", page, "--quiet"); code != 0 {
		t.Errorf("report on a preview: exit %d", code)
	}
	if b, _ := os.ReadFile(page); !strings.Contains(string(b), `<p id="preview">`) {
		t.Error("the page does not say that the data is a preview")
	}
	// The same files without the record are judged as a full run: the
	// fanout checks fail.
	meta := filepath.Join(out, ".metadata.json")
	mb, _ := os.ReadFile(meta)
	if err := os.WriteFile(meta, []byte(strings.Replace(string(mb), `"dry_run_sample": 300,`, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, code = datagen(t, "validate", shop, "-d", out)
	if !strings.Contains(stdout, "✗ orders.fanout") {
		t.Errorf("a capped run without its record: exit %d\n%s", code, stdout)
	}
}

// TestGenerateValidateGate: generate --validate with a score below
// --min-score exits 1, publishes no table and no .metadata.json (an
// earlier output stays byte for byte) and writes the report next to the
// output folder, saying so.
func TestGenerateValidateGate(t *testing.T) {
	var s map[string]any
	b, err := os.ReadFile(shop)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	// A target the data cannot meet: the mean age is about 38.
	s["targets"].(map[string]any)["mean_in_range"] = map[string]any{"table": "customer", "column": "age", "min": 80, "max": 85}
	delete(s, "$schema")
	b, _ = json.Marshal(s)
	schema := filepath.Join(t.TempDir(), "shop.json")
	if err := os.WriteFile(schema, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if _, stderr, code := datagen(t, "generate", shop, "-o", out, "--format", "csv", "--seed", "1", "--validate", "--quiet"); code != 0 {
		t.Fatalf("earlier run: exit %d: %s", code, stderr)
	}
	before := snapshot(t, out)
	stdout, stderr, code := datagen(t, "generate", schema, "-o", out, "--format", "csv", "--validate", "--min-score", "99")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s%s", code, stdout, stderr)
	}
	sameFiles(t, "after a failed validation", before, snapshot(t, out))
	report := out + ".validation_report.json"
	for _, want := range []string{"validation failed", "no table was written", "report: " + report} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stdout, "Wrote") {
		t.Errorf("stdout says the tables were written: %s", stdout)
	}
	var rep struct {
		Summary struct {
			QualityScore float64 `json:"quality_score"`
		} `json:"summary"`
	}
	b, err = os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil || !(rep.Summary.QualityScore < 99) {
		t.Errorf("report %s: score %v, err %v", report, rep.Summary.QualityScore, err)
	}
	// A later run that passes publishes its report in the folder and
	// removes the refused run's.
	if _, stderr, code := datagen(t, "generate", shop, "-o", out, "--format", "csv", "--validate", "--quiet"); code != 0 {
		t.Fatalf("passing run: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(report); err == nil {
		t.Errorf("%s is left after a passing run", report)
	}
}

// TestValidateSaysWhatItReads: validate names the folder, each table's
// files and format, and the files of the other format it ignores.
func TestValidateSaysWhatItReads(t *testing.T) {
	dir := shopData(t, "csv")
	// A stale Parquet file of an earlier run beside the CSV files.
	if err := os.WriteFile(filepath.Join(dir, "product.parquet"), []byte("PAR1"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := datagen(t, "validate", shop, "-d", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Reading 6 table(s) from " + dir, "  read customer: customer.csv (csv, 2000 rows, ",
		"  product: reading the csv files, ignoring product.parquet"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, stderr, _ := datagen(t, "validate", shop, "-d", dir, "--quiet"); stderr != "" {
		t.Errorf("--quiet still prints: %s", stderr)
	}
}
