package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/plan"
	"datagen/src/validate"
)

// domains are the domains the templates must cover.
var domains = []string{"shop", "bank", "saas", "marketing", "iot", "healthcare", "hr", "logistics"}

// Score generates the schema in memory, validates it while generating and
// returns the report.
func score(t *testing.T, doc []byte) *validate.Report {
	t.Helper()
	s, warns, err := dsl.Parse(doc, dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) > 0 {
		t.Errorf("warnings: %v", warns)
	}
	p, err := plan.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) > 0 {
		t.Errorf("plan warnings: %v", p.Warnings)
	}
	val, err := validate.New(p, validate.Options{DataDir: "memory", Format: "csv", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.Run(context.Background(), p, engine.Options{Seed: 42,
		Open: func(tb *plan.Table, fields []column.Field) (engine.Writer, error) { return val.Table(tb.ID(), fields) }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := val.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestTemplatesScore(t *testing.T) {
	names := Names()
	for _, d := range domains {
		if !strings.Contains(strings.Join(names, " "), d) {
			t.Errorf("no template for the %s domain (templates: %v)", d, names)
		}
	}
	schema := compiledJSONSchema(t)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			doc, err := Get(name)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("the JSON Schema rejects it: %v", err)
			}
			rep := score(t, doc)
			t.Logf("%s: quality score %.2f, %d checks, %d rows", name, rep.Summary.QualityScore, rep.Summary.TotalValidations, rep.Metadata.TotalRows)
			if rep.Summary.QualityScore < 95 || rep.Summary.HardFailures > 0 || testing.Verbose() && len(rep.Failures) > 0 {
				var msgs []string
				for _, f := range rep.Failures {
					msgs = append(msgs, fmt.Sprintf("%s: %s", f.Name, f.Message))
				}
				t.Errorf("quality score %.2f, %d hard failures:\n%s", rep.Summary.QualityScore, rep.Summary.HardFailures, strings.Join(msgs, "\n"))
			}
			if rep.Summary.TotalValidations < 20 {
				t.Errorf("only %d checks", rep.Summary.TotalValidations)
			}
		})
	}
}

func compiledJSONSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(dsl.JSONSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(dsl.JSONSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(dsl.JSONSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTemplatesDescribeThemselves(t *testing.T) {
	for _, tp := range List() {
		if tp.Title == "" || len(tp.Description) < 40 || len(tp.Tables) < 3 {
			t.Errorf("%s: title %q, description %q, tables %v", tp.Name, tp.Title, tp.Description, tp.Tables)
		}
		doc, _ := Get(tp.Name)
		var d struct {
			Nodes []struct {
				ID          string `json:"id"`
				Description string `json:"description"`
			} `json:"nodes"`
		}
		if err := json.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		for _, n := range d.Nodes {
			if n.Description == "" {
				t.Errorf("%s: table %s has no description", tp.Name, n.ID)
			}
		}
	}
}

func TestRender(t *testing.T) {
	plain, err := Render("shop", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := Get("shop"); !bytes.Equal(plain, raw) {
		t.Error("Render without options changed the template")
	}
	doc, err := Render("shop", Options{Rows: 100, Locale: "de-DE"})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := dsl.Parse(doc, dsl.Options{})
	if err != nil {
		t.Fatalf("rendered template: %v\n%s", err, doc)
	}
	largest, fakers, localized := int64(0), 0, 0
	for _, n := range s.Nodes {
		if n.Rows != nil && len(n.Parents) == 0 {
			largest = max(largest, *n.Rows)
		}
		for _, c := range n.Columns {
			if f := c.Generator.Faker; f != nil && f.LocaleFrom == "" {
				fakers++
				if f.Locale == "de_DE" {
					localized++
				}
			}
		}
	}
	if largest != 100 {
		t.Errorf("largest entity has %d rows, want 100", largest)
	}
	if fakers == 0 || localized != fakers {
		t.Errorf("%d of %d faker columns in de_DE", localized, fakers)
	}
	// Key order is kept.
	if !bytes.HasPrefix(doc, []byte("{\n  \"$schema\"")) && !bytes.HasPrefix(doc, []byte("{\n  \"version\"")) {
		t.Errorf("rendered document starts %q", doc[:40])
	}

	half, err := Render("shop", Options{Scale: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	hs, _, err := dsl.Parse(half, dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	orig, _, _ := dsl.Parse(plain, dsl.Options{})
	for i, n := range orig.Nodes {
		if n.Rows != nil && len(n.Parents) == 0 {
			if want := max(1, (*n.Rows+1)/2); *hs.Nodes[i].Rows != want && *hs.Nodes[i].Rows != *n.Rows/2 {
				t.Errorf("%s: %d rows at scale 0.5, was %d", n.ID, *hs.Nodes[i].Rows, *n.Rows)
			}
		}
	}
}

func TestRenderMistakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"shpo", Options{}, `unknown template "shpo"; did you mean "shop"?`},
		{"shop", Options{Locale: "xx_YY"}, "locale"},
		{"shop", Options{Rows: -1}, "rows must be positive"},
		{"shop", Options{Scale: -2}, "scale must be a positive number"},
	} {
		_, err := Render(tc.name, tc.o)
		if err == nil || !input.IsUser(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v: %v, want a user error with %q", tc.name, tc.o, err, tc.want)
		}
	}
}

func TestRenderEveryTemplate(t *testing.T) {
	for _, name := range Names() {
		doc, err := Render(name, Options{Rows: 50, Locale: "pl_PL"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s, _, err := dsl.Parse(doc, dsl.Options{})
		if err != nil {
			t.Fatalf("%s rendered: %v", name, err)
		}
		if _, err := plan.New(s); err != nil {
			t.Errorf("%s rendered: %v", name, err)
		}
		orig, _ := Get(name)
		o, _, _ := dsl.Parse(orig, dsl.Options{})
		if len(o.Nodes) != len(s.Nodes) {
			t.Errorf("%s: %d nodes after rendering, %d before", name, len(s.Nodes), len(o.Nodes))
		}
	}
}
