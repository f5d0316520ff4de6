package twin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datagen/src/cli"
	"datagen/src/twin"
)

// writeCSV writes a CSV table from a header and rows.
func writeCSV(t *testing.T, path, header string, rows []string) {
	t.Helper()
	b := []byte(header + "\n" + strings.Join(rows, "\n") + "\n")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRareValuesNeverCopied: a category seen 4 times (k = 5), an
// outlier amount seen once and a one-off date do not appear in the
// inferred schema, while the frequent categories do.
func TestRareValuesNeverCopied(t *testing.T) {
	dir := t.TempDir()
	var rows []string
	for i := 0; i < 400; i++ {
		cat := []string{"red", "green", "blue"}[i%3]
		amount := fmt.Sprintf("%d.%02d", 10+i%50, i%100)
		day := fmt.Sprintf("2024-03-%02d", 1+i%28)
		switch {
		case i < 4:
			cat = "ultraviolet"
		case i == 10:
			amount = "987654.32"
		case i == 11:
			day = "2031-12-25"
		}
		rows = append(rows, fmt.Sprintf("%d,%s,%s,%s", i+1, cat, amount, day))
	}
	writeCSV(t, filepath.Join(dir, "items.csv"), "id,colour,amount,day", rows)
	res, err := twin.Infer(context.Background(), []string{dir}, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := string(res.Schema)
	for _, leak := range []string{"ultraviolet", "987654", "2031"} {
		if strings.Contains(s, leak) {
			t.Errorf("the schema copies the rare value %q:\n%s", leak, s)
		}
	}
	for _, keep := range []string{`"red"`, `"green"`, `"blue"`} {
		if !strings.Contains(s, keep) {
			t.Errorf("the schema lacks the frequent category %s", keep)
		}
	}
	// With k = 4 the category seen 4 times may be copied.
	res, err = twin.Infer(context.Background(), []string{dir}, twin.Options{K: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Schema), `"ultraviolet"`) {
		t.Errorf("with k = 4 a value seen 4 times is a category")
	}
}

// TestNoRowCopied: a table of people (names, e-mails, phones, amounts)
// gets a twin without one row of the original, and the identifying
// columns become semantic generators.
func TestNoRowCopied(t *testing.T) {
	dir := t.TempDir()
	orig := filepath.Join(dir, "orig")
	os.Mkdir(orig, 0o755)
	first := []string{"Anna", "John", "Maria", "Peter", "Eva", "Tomas", "Linda", "Paul", "Sarah", "David"}
	last := []string{"Smith", "Brown", "Novak", "Miller", "Wilson", "Taylor", "Clark", "Lewis", "Walker", "Young"}
	var rows []string
	for i := 0; i < 600; i++ {
		f, l := first[i%10], last[(i/10)%10]
		rows = append(rows, fmt.Sprintf("%d,%s %s,%s.%s%d@example.com,+1 555 %03d %04d,%d.%02d,%s",
			i+1, f, l, strings.ToLower(f), strings.ToLower(l), i, i%1000, (i*7919)%10000, 20+(i*37)%500, i%100,
			[]string{"basic", "premium", "basic", "trial"}[i%4]))
	}
	writeCSV(t, filepath.Join(orig, "people.csv"), "person_id,full_name,email,phone,spend,plan", rows)
	schema := filepath.Join(dir, "schema.json")
	run(t, "infer", orig, "-o", schema)
	b, _ := os.ReadFile(schema)
	for _, want := range []string{`"method": "name"`, `"method": "email"`, `"method": "phone_number"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("schema lacks %s:\n%s", want, b)
		}
	}
	tw := filepath.Join(dir, "twin")
	run(t, "generate", schema, "-o", tw, "--format", "csv", "--quiet")
	report := filepath.Join(dir, "report.json")
	run(t, "compare", orig, tw, "--schema", schema, "-o", report)
	var rep twin.Report
	b, _ = os.ReadFile(report)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Tables) != 1 || !rep.Tables[0].HighCardinality {
		t.Fatalf("people is not reported as a table with a high-cardinality column: %s", b)
	}
	if rep.Privacy.CopiedRows != 0 || rep.Tables[0].CopiedRowsNoKey != 0 {
		t.Errorf("rows copied: %+v", rep.Tables[0])
	}
	if rep.Privacy.RareValuesLeaked != 0 {
		t.Errorf("%d rare values leaked", rep.Privacy.RareValuesLeaked)
	}
}

// TestCompareCountsCopies: comparing a data set with itself finds every
// row copied and every rare value leaked, and scores 100.
func TestCompareCountsCopies(t *testing.T) {
	dir := t.TempDir()
	var rows []string
	for i := 0; i < 300; i++ {
		rows = append(rows, fmt.Sprintf("%d,name%d,%d", i+1, i, i%7))
	}
	writeCSV(t, filepath.Join(dir, "t.csv"), "id,label,n", rows)
	rep, err := twin.Compare(context.Background(), []string{dir}, []string{dir}, twin.Structure{Keys: map[string]string{"t": "id"}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Similarity != 100 {
		t.Errorf("similarity %v, want 100", rep.Similarity)
	}
	if rep.Privacy.CopiedRows != 300 || rep.Privacy.CopiedRowsHighCardinality != 300 {
		t.Errorf("copied rows %+v, want 300", rep.Privacy)
	}
	if rep.Privacy.RareValues != 300 || rep.Privacy.RareValuesLeaked != 300 {
		t.Errorf("rare values %+v, want 300 of 300", rep.Privacy)
	}
	if cr := rep.Tables[0].ClosestRecord; cr == nil || cr.TwinMedian != 0 || cr.Columns != 1 {
		t.Errorf("closest record %+v, want distance 0 over 1 column", cr)
	}
}

// TestTinyColumnsCopyNothing: a column with fewer than k values gives
// nothing of them away, and the schema still generates.
func TestTinyColumnsCopyNothing(t *testing.T) {
	dir := t.TempDir()
	writeCSV(t, filepath.Join(dir, "tiny.csv"), "id,amount,at,label", []string{
		"1,4242.5,2019-07-04T10:11:12Z,xq-unique", "2,,,", "3,,,"})
	schema := filepath.Join(dir, "schema.json")
	run(t, "infer", filepath.Join(dir, "tiny.csv"), "-o", schema)
	b, _ := os.ReadFile(schema)
	for _, leak := range []string{"4242", "2019", "xq-unique"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("the schema copies %q:\n%s", leak, b)
		}
	}
	run(t, "check", schema)
}

// TestInferErrors: unreadable input is a user error naming the file and
// line; nothing is written.
func TestInferErrors(t *testing.T) {
	dir := t.TempDir()
	writeCSV(t, filepath.Join(dir, "t.csv"), "a,b", []string{"1,2", "3"})
	out := filepath.Join(dir, "schema.json")
	var errb strings.Builder
	code := cli.Run(context.Background(), []string{"infer", dir, "-o", out}, cli.Env{Stderr: &errb})
	if code != 1 || !strings.Contains(errb.String(), "t.csv: line 3: 1 fields, the header has 2") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a schema was written")
	}
}

// TestDerivedColumns: a product rounded to cents and a constant ratio
// become expressions, and the twin keeps the relations.
func TestDerivedColumns(t *testing.T) {
	dir := t.TempDir()
	var rows []string
	for i := 0; i < 300; i++ {
		price := float64(100+(i*37)%900) / 100
		qty := 1 + i%7
		amount := math.Round(price*float64(qty)*100) / 100
		rows = append(rows, fmt.Sprintf("%d,%g,%d,%g,%g", i+1, price, qty, amount, math.Round(amount*0.21*100)/100))
	}
	writeCSV(t, filepath.Join(dir, "lines.csv"), "id,price,qty,amount,tax", rows)
	res, err := twin.Infer(context.Background(), []string{dir}, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"code": "round(price * qty, 2)"`, `"code": "round(amount * 0.21, 2)"`} {
		if !strings.Contains(string(res.Schema), want) {
			t.Errorf("schema lacks %s:\n%s", want, res.Schema)
		}
	}
}
