package component

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"datagen/src/templates"
)

func TestParseConfigTemplate(t *testing.T) {
	c, err := ParseConfig(config(`{"template": "bank"}`))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := templates.Get("bank")
	if c.Parameters.Template != "bank" || !bytes.Equal(c.Parameters.Schema, want) {
		t.Errorf("template %q, schema of %d bytes", c.Parameters.Template, len(c.Parameters.Schema))
	}
	// "" is no template: the schema is used.
	c, err = ParseConfig(config(`{"template": "", "schema": ` + tinySchema + `}`))
	if err != nil || c.Parameters.Template != "" || !strings.Contains(string(c.Parameters.Schema), "version") {
		t.Errorf("empty template: %v", err)
	}
	for _, tc := range []struct{ params, path, msg string }{
		{`{"template": "shpo"}`, "parameters.template", `unknown template "shpo"`},
		{`{"template": "shop", "schema": ` + tinySchema + `}`, "parameters.template", "both given"},
		{`{"template": 3}`, "parameters.template", "expected a string"},
		{`{}`, "parameters.schema", "or name a template in parameters.template"},
	} {
		_, err := ParseConfig(config(tc.params))
		ps, perr := asProblems(err)
		if err == nil || perr != nil {
			t.Errorf("%s: %v, want user problems", tc.params, err)
			continue
		}
		found := false
		for _, p := range ps {
			found = found || p.Path == tc.path && strings.Contains(p.Message, tc.msg)
		}
		if !found {
			t.Errorf("%s: no problem at %s containing %q: %v", tc.params, tc.path, tc.msg, err)
		}
	}
	if _, err := ParseConfig(config(`{"template": "shpo"}`)); err == nil || !strings.Contains(err.Error(), `did you mean "shop"?`) {
		t.Errorf("no suggestion: %v", err)
	}
}

// TestConfigSchemaOffersTheTemplates checks that the form's template
// choice lists exactly the bundled templates.
func TestConfigSchemaOffersTheTemplates(t *testing.T) {
	b, err := os.ReadFile(repoFile("component_config", "configSchema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var form struct {
		Properties struct {
			Template struct {
				Enum    []string `json:"enum"`
				Options struct {
					EnumTitles []string `json:"enum_titles"`
				} `json:"options"`
			} `json:"template"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &form); err != nil {
		t.Fatal(err)
	}
	tp := form.Properties.Template
	if want := append([]string{""}, templates.Names()...); !slices.Equal(tp.Enum, want) {
		t.Errorf("form templates %q, bundled %q", tp.Enum, want)
	}
	if len(tp.Options.EnumTitles) != len(tp.Enum) {
		t.Errorf("%d titles for %d templates", len(tp.Options.EnumTitles), len(tp.Enum))
	}
	for i, tm := range templates.List() {
		if i+1 < len(tp.Options.EnumTitles) && tp.Options.EnumTitles[i+1] != tm.Title {
			t.Errorf("title of %s is %q in the form, %q in the template", tm.Name, tp.Options.EnumTitles[i+1], tm.Title)
		}
	}
}
