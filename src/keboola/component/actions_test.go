package component

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// shopSchema has a parent and a child table, so the preview shows a
// fanout.
const shopSchema = `{"version": "1.0", "metadata": {"name": "Shop"},
 "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-01-31T00:00:00Z", "freq": "h"},
 "nodes": [
  {"id": "customer", "kind": "entity", "rows": 50, "pk": "customer_id",
   "columns": [{"name": "customer_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
               {"name": "segment", "type": "string", "generator": {"choice": {"choices": ["a|b", "c"]}}}]},
  {"id": "orders", "kind": "fact", "parents": ["customer"], "pk": "order_id",
   "fanout": {"distribution": "poisson", "lambda": 3, "min": 1, "max": 5},
   "columns": [{"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
               {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}}]}],
 "constraints": {}}`

// badSchema has two mistakes in two nodes.
const badSchema = `{"version": "1.0", "metadata": {"name": "Bad"},
 "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-01-31T00:00:00Z", "freq": "h"},
 "nodes": [
  {"id": "customer", "kind": "entity", "rows": 5, "pk": "customer_id",
   "columns": [{"name": "customer_id", "type": "integr", "generator": {"sequence": {"start": 1, "step": 1}}}]},
  {"id": "orders", "kind": "fact", "parents": ["customer"], "pk": "order_id",
   "fanout": {"distribution": "poisson", "lambda": -1},
   "columns": [{"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}}]}],
 "constraints": {}}`

// runActionIn runs a sync action and decodes its answer; stdout must hold
// exactly one JSON object and stderr nothing.
func runActionIn(t *testing.T, action, params string) ActionResult {
	t.Helper()
	dir := dataDir(t, `{"action": "`+action+`", "parameters": `+params+`}`, "")
	_, stdout, stderr, err := runIn(t, dir, map[string]string{"KBC_COMPONENT_RUN_MODE": "debug"}, Options{})
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	if stderr != "" {
		t.Errorf("%s wrote to stderr: %q", action, stderr)
	}
	var res ActionResult
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("%s: stdout is not the answer JSON: %v\n%s", action, err, stdout)
	}
	if dec.More() {
		t.Errorf("%s: more than one JSON value on stdout:\n%s", action, stdout)
	}
	if res.Status != "success" {
		t.Errorf("%s: status %q", action, res.Status)
	}
	// Nothing of a sync action is written into the data folder.
	if _, err := os.Stat(filepath.Join(dir, "out", "tables")); !os.IsNotExist(err) {
		t.Errorf("%s created out/tables", action)
	}
	return res
}

func TestValidateSchemaAction(t *testing.T) {
	res := runActionIn(t, ActionValidateSchema, `{"schema": `+shopSchema+`}`)
	if res.Type != ResultSuccess || !regexp.MustCompile(`^!\[success\]\(\) The configuration is valid: 2 tables, 4 columns; a run needs about [0-9.]+ [KMG]?i?B of memory\.\n$`).MatchString(res.Message) {
		t.Errorf("good schema: %+v", res)
	}
	// The memory estimate is checked against max_memory, as a run checks it.
	res = runActionIn(t, ActionValidateSchema, `{"schema": `+shopSchema+`, "scale": 100000, "max_memory": "1MiB"}`)
	if res.Type != ResultError || !strings.Contains(res.Message, "- `parameters.max_memory`: a run at scale 100000 needs about ") ||
		!strings.Contains(res.Message, "more than the limit of 1.0 MiB") {
		t.Errorf("memory above max_memory: %+v", res)
	}
	res = runActionIn(t, ActionValidateSchema, `{"schema": `+badSchema+`, "seed": "7"}`)
	if res.Type != ResultError {
		t.Fatalf("bad schema: %+v", res)
	}
	// Parameter problems are found before the schema is read.
	if !strings.Contains(res.Message, "- `parameters.seed`: expected an integer, got string \"7\" (write it without quotes)") {
		t.Errorf("message lacks the seed problem:\n%s", res.Message)
	}
	res = runActionIn(t, ActionValidateSchema, `{"schema": `+badSchema+`}`)
	for _, want := range []string{
		"![error]() The configuration has 2 problems:",
		"- `parameters.schema.nodes[0](customer).columns[0](customer_id).type`: ",
		"- `parameters.schema.nodes[1](orders).fanout.lambda`: ",
	} {
		if !strings.Contains(res.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, res.Message)
		}
	}
	res = runActionIn(t, ActionValidateSchema, `{"schema": `+shopSchema+`, "destination": {"table_prefix": "a b"}}`)
	if res.Type != ResultError || !strings.Contains(res.Message, "`parameters.destination.table_prefix`") {
		t.Errorf("bad prefix: %+v", res)
	}
}

func TestPreviewAction(t *testing.T) {
	res := runActionIn(t, ActionPreview, `{"schema": `+shopSchema+`, "preview_rows": 4, "seed": 9,
	  "destination": {"table_prefix": "demo_"}}`)
	if res.Type != ResultTable || len(res.Tables) != 2 {
		t.Fatalf("preview: %+v", res)
	}
	c, o := res.Tables[0], res.Tables[1]
	if c.Node != "customer" || c.Table != "demo_customer" || !reflect.DeepEqual(c.Columns, []string{"customer_id", "segment"}) ||
		len(c.Rows) != 4 || c.Rows[0][0] != "1" || c.Rows[3][0] != "4" {
		t.Errorf("customer preview %+v", c)
	}
	if o.Node != "orders" || !reflect.DeepEqual(o.Columns, []string{"order_id", "customer_id"}) || len(o.Rows) == 0 || len(o.Rows) > 4 {
		t.Errorf("orders preview %+v", o)
	}
	for _, r := range o.Rows {
		if r[1] < "1" || len(r[1]) != 1 || r[1] > "4" {
			t.Errorf("order %v refers to a customer outside the preview", r)
		}
	}
	for _, want := range []string{"### demo\\_customer\n\n| customer\\_id | segment |\n| --- | --- |\n| 1 |",
		"### demo\\_orders\n\n| order\\_id | customer\\_id |\n"} {
		if !strings.Contains(res.Message, want) {
			t.Errorf("markdown lacks %q:\n%s", want, res.Message)
		}
	}
	// A "|" inside a value must not split the cell.
	if strings.Contains(res.Message, "| a|b |") {
		t.Errorf("unescaped cell:\n%s", res.Message)
	}
	// The same seed gives the same preview; the default is 10 rows.
	again := runActionIn(t, ActionPreview, `{"schema": `+shopSchema+`, "preview_rows": 4, "seed": 9,
	  "destination": {"table_prefix": "demo_"}}`)
	if !reflect.DeepEqual(again, res) {
		t.Error("the preview is not deterministic")
	}
	if def := runActionIn(t, ActionPreview, `{"schema": `+shopSchema+`}`); len(def.Tables[0].Rows) != DefaultPreviewRows {
		t.Errorf("default preview has %d rows", len(def.Tables[0].Rows))
	}

	bad := runActionIn(t, ActionPreview, `{"schema": `+badSchema+`}`)
	if bad.Type != ResultError || len(bad.Tables) != 0 ||
		!strings.Contains(bad.Message, "`parameters.schema.nodes[1](orders).fanout.lambda`") {
		t.Errorf("bad schema preview: %+v", bad)
	}
}

func TestUnknownAction(t *testing.T) {
	dir := dataDir(t, `{"action": "listTables", "parameters": {"schema": `+tinySchema+`}}`, "")
	_, stdout, _, err := runIn(t, dir, nil, Options{})
	if ExitCode(err) != ExitUserError || !strings.Contains(err.Error(), `action "listTables" is not supported`) || stdout != "" {
		t.Errorf("error %v, stdout %q", err, stdout)
	}
}

func TestDebugRunMode(t *testing.T) {
	dir := dataDir(t, `{"parameters": {"schema": `+tinySchema+`}}`, "")
	_, stdout, _, err := runIn(t, dir, nil, Options{})
	if err != nil || strings.Contains(stdout, "Debug: ") {
		t.Fatalf("err %v, debug lines without debug mode:\n%s", err, stdout)
	}
	_, stdout, _, err = runIn(t, dir, map[string]string{"KBC_COMPONENT_RUN_MODE": "debug"}, Options{})
	if err != nil || !strings.Contains(stdout, "Debug: Generating table u (3 rows in this part)") {
		t.Errorf("err %v, no debug lines in debug mode:\n%s", err, stdout)
	}
}

func TestMarkdownEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain":              "plain",
		"a_b *c* [d](e) `f`": "a\\_b \\*c\\* \\[d\\](e) \\`f\\`",
		"x|y\nz":             "x\\|y z",
		"<b>#1":              "\\<b\\>\\#1",
	} {
		if got := mdEscape(in); got != want {
			t.Errorf("mdEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestActionsRegistered: component_config/actions.md (the Developer
// Portal's list of sync actions) names exactly the sync actions Run
// answers, and every button of the form triggers one of them.
func TestActionsRegistered(t *testing.T) {
	b, err := os.ReadFile(repoFile("component_config", "actions.md"))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	if err := json.Unmarshal(b, &listed); err != nil {
		t.Fatalf("actions.md is not a JSON list: %v", err)
	}
	if !reflect.DeepEqual(listed, SyncActions) {
		t.Errorf("actions.md lists %v, the component answers %v", listed, SyncActions)
	}
	b, err = os.ReadFile(repoFile("component_config", "configSchema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var form struct {
		Properties map[string]struct {
			Type    string `json:"type"`
			Format  string `json:"format"`
			Options struct {
				Async struct {
					Action string `json:"action"`
				} `json:"async"`
				EncryptionHint *bool `json:"encryption_hint"`
			} `json:"options"`
			AdditionalProperties *bool `json:"additionalProperties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &form); err != nil {
		t.Fatal(err)
	}
	buttons := map[string]string{}
	for k, p := range form.Properties {
		if p.Format == "sync-action" {
			buttons[k] = p.Options.Async.Action
		}
	}
	want := map[string]string{buttonValidate: ActionValidateSchema, buttonPreview: ActionPreview}
	if !reflect.DeepEqual(buttons, want) {
		t.Errorf("buttons %v, want %v", buttons, want)
	}
	// The schema editor: a JSON editor whose whole object is kept by the
	// form (additionalProperties) and that does not advertise encryption
	// of '#' keys, which mean nothing in a datagen schema.
	s := form.Properties["schema"]
	if s.Type != "object" || s.Format != "editor" || s.AdditionalProperties == nil || !*s.AdditionalProperties ||
		s.Options.EncryptionHint == nil || *s.Options.EncryptionHint {
		t.Errorf("schema field %+v", s)
	}
}

// TestValidateSchemaWarnings: in lenient mode unknown schema keys are
// warnings, listed under the verdict.
func TestValidateSchemaWarnings(t *testing.T) {
	lenient := strings.Replace(tinySchema, `"rows": 3,`, `"rows": 3, "colour": "blue",`, 1)
	res := runActionIn(t, ActionValidateSchema, `{"schema": `+lenient+`, "lenient": true}`)
	if res.Type != ResultSuccess || !strings.Contains(res.Message, "![warning]() Warnings:\n\n- ") ||
		!strings.Contains(res.Message, "colour") {
		t.Errorf("lenient: %+v", res)
	}
	res = runActionIn(t, ActionValidateSchema, `{"schema": `+lenient+`}`)
	if res.Type != ResultError || !strings.Contains(res.Message, "`parameters.schema.nodes[0](u).colour`") {
		t.Errorf("strict: %+v", res)
	}
}

// TestSampledGrowingFunnel: the sync actions and a run with sample_rows,
// all capped by a sample, plan and generate saas_stream.json, whose
// funnel and state machine grow with accounts arriving in an open
// timeline.
func TestSampledGrowingFunnel(t *testing.T) {
	b, err := os.ReadFile("../../../docs/examples/saas_stream.json")
	if err != nil {
		t.Fatal(err)
	}
	schema := string(b)
	res := runActionIn(t, ActionValidateSchema, `{"schema": `+schema+`}`)
	if res.Type != ResultSuccess || !strings.Contains(res.Message, "The configuration is valid: 5 tables") {
		t.Errorf("validateSchema: %+v", res)
	}
	res = runActionIn(t, ActionPreview, `{"schema": `+schema+`, "preview_rows": 3}`)
	if res.Type != ResultTable || len(res.Tables) != 5 {
		t.Fatalf("preview: %+v", res)
	}
	for _, tb := range res.Tables {
		if len(tb.Rows) == 0 {
			t.Errorf("preview of %s has no rows", tb.Node)
		}
	}
	dir := dataDir(t, `{"parameters": {"schema": `+schema+`, "sample_rows": 40}}`, "")
	if _, _, stderr, err := runIn(t, dir, nil, Options{now: func() time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC) }}); err != nil {
		t.Fatalf("run with sample_rows: %v\n%s", err, stderr)
	}
	for _, name := range []string{"onboarding", "subscription_month"} {
		b, err := os.ReadFile(filepath.Join(dir, "out", "tables", name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "\n") - 1; n < 1 || n > 40 {
			t.Errorf("%s: %d rows, want 1 to 40", name, n)
		}
	}
}
