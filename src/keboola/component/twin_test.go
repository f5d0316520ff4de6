package component

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datagen/src/dsl"
	"datagen/src/input"
)

// TestRunTwin: with mode twin the component learns a schema from the
// input-mapped tables (a plain table and a headless sliced one with its
// manifest), writes it to out/files and generates the twin tables with
// manifests; no row of the original is copied.
func TestRunTwin(t *testing.T) {
	dir := dataDir(t, `{"parameters": {"mode": "twin", "seed": 7, "template": "shop"}}`, "")
	in := filepath.Join(dir, "in", "tables")
	if err := os.MkdirAll(filepath.Join(in, "orders.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	var customers, orders strings.Builder
	customers.WriteString("customer_id,email,segment\n")
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&customers, "%d,person%d@example.org,%s\n", i, i, []string{"a", "b", "b", "c"}[i%4])
	}
	id := 0
	for c := 1; c <= 200; c++ {
		for k := 0; k < 1+c%5; k++ {
			id++
			fmt.Fprintf(&orders, "%d,%d,%d.%02d\n", id, c, 10+(id*31)%90, id%100)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(in, "customers.csv"), customers.String())
	write(filepath.Join(in, "customers.csv.manifest"), `{"id": "in.c-crm.customers", "primary_key": ["customer_id"]}`)
	write(filepath.Join(in, "orders.csv", "part0"), orders.String())
	write(filepath.Join(in, "orders.csv.manifest"), `{"id": "in.c-crm.orders", "columns": ["order_id", "customer_id", "amount"]}`)

	sum, stdout, _, err := runIn(t, dir, nil, Options{})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, "parameters.schema and parameters.template are not used") {
		t.Errorf("the log does not say the template is set aside:\n%s", stdout)
	}
	if len(sum.Tables) != 2 {
		t.Fatalf("tables %+v", sum.Tables)
	}
	s, _, err := dsl.Load(filepath.Join(dir, "out", "files", TwinSchemaFile), dsl.Options{})
	if err != nil {
		t.Fatalf("the learned schema does not load: %v", err)
	}
	kinds := map[string]string{}
	for _, n := range s.Nodes {
		kinds[n.ID] = string(n.Kind)
	}
	if kinds["customers"] != "entity" || kinds["orders"] != "fact" {
		t.Errorf("kinds %v", kinds)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "files", TwinSchemaFile+".manifest")); err != nil {
		t.Error(err)
	}
	for _, table := range []string{"customers", "orders"} {
		if _, err := os.Stat(filepath.Join(dir, "out", "tables", table+".csv.manifest")); err != nil {
			t.Errorf("no manifest of %s: %v", table, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "tables", "customers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "@example.org") {
		t.Errorf("the twin copies e-mail addresses")
	}
}

func TestRunTwinUserErrors(t *testing.T) {
	for _, c := range []struct{ config, msg string }{
		{`{"parameters": {"mode": "twin"}}`, "holds no tables"},
		{`{"parameters": {"mode": "twins"}}`, `parameters.mode: must be "generate" or "twin", got "twins"`},
		{`{"parameters": {"mode": "twin", "twin_k": 0}}`, "parameters.twin_k"},
	} {
		dir := dataDir(t, c.config, "")
		_, _, _, err := runIn(t, dir, nil, Options{})
		if err == nil || !input.IsUser(err) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %v, want a user error with %q", c.config, err, c.msg)
		}
	}
}
