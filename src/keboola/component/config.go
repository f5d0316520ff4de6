package component

import (
	"bytes"
	"datagen/src/editdist"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"datagen/src/keboola/manifest"
)

// Defaults of the run parameters.
const (
	DefaultSeed = 42
	// DefaultBucket receives the tables when neither
	// parameters.destination.bucket nor the configuration's default bucket
	// (storage.output.default_bucket) names one.
	DefaultBucket          = "in.c-datagen"
	DefaultSlicedAboveRows = 5_000_000
	DefaultSlicedAboveMB   = 512
	DefaultSliceMB         = 256
	// DefaultPreviewRows is the number of rows per table the preview sync
	// action shows.
	DefaultPreviewRows = 10
	// MaxPreviewRows bounds parameters.preview_rows: a sync action has 30
	// seconds and its answer travels through the API.
	MaxPreviewRows = 1000
)

// Validation failure modes (parameters.validation.on_failure).
const (
	OnFailureFail = "fail"
	OnFailureWarn = "warn"
)

// Config is the part of config.json the component uses. Keys the platform
// adds that the component does not need are ignored.
type Config struct {
	// Action is the requested action; "run" unless config.json says otherwise.
	Action     string
	Parameters Parameters
	// DataTypeSupport is storage.output.data_type_support ("" when absent).
	DataTypeSupport string
	// DefaultBucket is storage.output.default_bucket: the bucket output
	// mapping puts a table into when its manifest names only the table
	// ("" when absent).
	DefaultBucket string
	// Secrets are the values of every "#"-prefixed key anywhere in the
	// configuration; they must never be printed.
	Secrets []string
}

// Parameters are the run parameters from config.json "parameters".
type Parameters struct {
	// Schema is the DSL document (the JSON text of the object, or the
	// content of the string).
	Schema []byte
	// Lenient accepts schemas written for the predecessor (unknown keys
	// become warnings).
	Lenient bool
	Seed    int64
	// Scale multiplies the row counts of entities and parent-less facts.
	Scale float64
	// SampleRows caps every table at this many rows (0: no cap).
	SampleRows int64
	// PreviewRows is the number of rows per table of the preview sync
	// action.
	PreviewRows int64
	// Workers is the number of generation workers (0: one per CPU).
	Workers int
	// Parts and Part select this run's share of every table.
	Parts, Part int
	Debug       bool
	Destination Destination
	Output      Output
	Validation  Validation
	Upload      Upload
}

// Destination says where the tables go in Storage.
type Destination struct {
	// Bucket is the bucket id, e.g. in.c-datagen; empty means the
	// configuration's default bucket (see Config.DefaultBucket).
	Bucket string
	// TablePrefix is prepended to every node id to form the table name.
	TablePrefix string
	Incremental bool
}

// Output tunes the files written to out/tables.
type Output struct {
	// Gzip compresses single-file tables (<table>.csv.gz).
	Gzip bool
	// SlicedAboveRows: a table with more rows is written as a sliced table
	// (0: the row count never slices).
	SlicedAboveRows int64
	// SlicedAboveMB: a table whose estimated CSV size exceeds this many MiB
	// is written as a sliced table (0: the size never slices).
	SlicedAboveMB int64
	// SliceRows is the number of rows per slice (0: derived from SliceMB).
	SliceRows int64
	// SliceMB is the target CSV size of one slice, before compression.
	SliceMB int64
}

// Validation is the quality gate applied after generation.
type Validation struct {
	// MinScore is the minimum quality score (0..100); 0 disables the gate.
	MinScore float64
	// OnFailure is "fail" (the job fails) or "warn" (a warning is logged).
	OnFailure string
}

// Upload holds the parameters of direct upload through the Storage API.
type Upload struct {
	URL   string
	Token string
}

// Enabled reports whether direct upload is asked for by the parameters
// (a #storage_token). A token the platform forwards (KBC_TOKEN) never
// enables it.
func (u Upload) Enabled() bool { return u.Token != "" }

// bucketRe matches a bucket id: stage, dot, name.
var bucketRe = regexp.MustCompile(`^(in|out)\.[A-Za-z0-9_-]+$`)

// ParseConfig decodes config.json. Keys outside "parameters" are read
// leniently (the platform adds new ones over time); "parameters" is decoded
// strictly and every problem is reported, each with its path. Problems are
// returned as a *UserError wrapping Problems.
func ParseConfig(data []byte) (*Config, error) {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, userErrorf("config.json is not a JSON object: %v", err)
	}
	c := &Config{Action: "run"}
	var ps Problems
	var any any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&any); err == nil {
		c.Secrets = collectSecrets(any, nil)
	}
	if raw, ok := root["action"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &c.Action); err != nil {
			ps = append(ps, Problem{"action", "expected a string"})
		}
	}
	if raw, ok := root["storage"]; ok {
		var st struct {
			Output struct {
				DataTypeSupport string `json:"data_type_support"`
				DefaultBucket   string `json:"default_bucket"`
			} `json:"output"`
		}
		// Lenient: a shape we do not expect just leaves the default.
		_ = json.Unmarshal(raw, &st)
		c.DefaultBucket = strings.TrimSpace(st.Output.DefaultBucket)
		switch st.Output.DataTypeSupport {
		case "", manifest.SupportAuthoritative, manifest.SupportHints, manifest.SupportNone:
			c.DataTypeSupport = st.Output.DataTypeSupport
		default:
			ps = append(ps, Problem{"storage.output.data_type_support",
				fmt.Sprintf("unknown value %q (want authoritative, hints or none)", st.Output.DataTypeSupport)})
		}
	}
	raw, ok := root["parameters"]
	if !ok || string(raw) == "null" {
		ps = append(ps, Problem{"parameters", "missing: the configuration must carry the schema in parameters.schema"})
		return nil, userErr(ps)
	}
	p, pps := parseParameters(raw)
	ps = append(ps, pps...)
	if len(ps) > 0 {
		return nil, userErr(ps)
	}
	c.Parameters = *p
	return c, nil
}

// parameterKeys are the keys of "parameters", in documentation order.
var parameterKeys = []string{"schema", "lenient", "seed", "scale", "sample_rows", "preview_rows", "workers", "parts", "part",
	"debug", "destination", "output", "validation", "upload", buttonValidate, buttonPreview}

// The form's sync-action buttons (component_config/configSchema.json).
// They hold no value, but a form may store the key; it is ignored.
const (
	buttonValidate = "validate_schema_button"
	buttonPreview  = "preview_button"
)

var (
	destinationKeys = []string{"bucket", "table_prefix", "incremental"}
	outputKeys      = []string{"gzip", "sliced_above_rows", "sliced_above_mb", "slice_rows", "slice_mb"}
	validationKeys  = []string{"min_score", "on_failure"}
	uploadKeys      = []string{"url", "#storage_token"}
)

// parseParameters decodes the parameters object strictly.
func parseParameters(raw json.RawMessage) (*Parameters, Problems) {
	p := &Parameters{
		Seed: DefaultSeed, Scale: 1, Parts: 1, PreviewRows: DefaultPreviewRows,
		Output: Output{SlicedAboveRows: DefaultSlicedAboveRows, SlicedAboveMB: DefaultSlicedAboveMB,
			SliceMB: DefaultSliceMB},
		Validation: Validation{OnFailure: OnFailureFail},
	}
	d := &decoder{}
	obj := d.object(raw, "parameters", parameterKeys)
	if obj == nil {
		return nil, d.ps
	}
	if v, ok := obj["schema"]; ok {
		p.Schema = d.schema(v, "parameters.schema")
	} else {
		d.add("parameters.schema", "missing: put the DSL document here, as a JSON object or as a JSON string")
	}
	d.boolean(obj, "parameters", "lenient", &p.Lenient)
	d.integer(obj, "parameters", "seed", &p.Seed, math.MinInt64, math.MaxInt64)
	if d.number(obj, "parameters", "scale", &p.Scale) && !(p.Scale > 0) {
		d.add("parameters.scale", fmt.Sprintf("must be greater than 0, got %g", p.Scale))
	}
	d.integer(obj, "parameters", "sample_rows", &p.SampleRows, 0, math.MaxInt64)
	d.integer(obj, "parameters", "preview_rows", &p.PreviewRows, 1, MaxPreviewRows)
	var workers int64
	if d.integer(obj, "parameters", "workers", &workers, 0, 1024) {
		p.Workers = int(workers)
	}
	parts, part := int64(1), int64(0)
	okParts := d.integer(obj, "parameters", "parts", &parts, 1, 1_000_000)
	if d.integer(obj, "parameters", "part", &part, 0, 999_999) && okParts && part >= parts {
		d.add("parameters.part", fmt.Sprintf("must be between 0 and %d (parts is %d), got %d", parts-1, parts, part))
	}
	p.Parts, p.Part = int(parts), int(part)
	d.boolean(obj, "parameters", "debug", &p.Debug)

	if o := d.section(obj, "parameters", "destination", destinationKeys); o != nil {
		const at = "parameters.destination"
		if d.str(o, at, "bucket", &p.Destination.Bucket) && p.Destination.Bucket != "" && !bucketRe.MatchString(p.Destination.Bucket) {
			d.add(at+".bucket", fmt.Sprintf("%q is not a bucket id: write the stage and the bucket name, e.g. \"in.c-datagen\"",
				p.Destination.Bucket))
		}
		if d.str(o, at, "table_prefix", &p.Destination.TablePrefix) && p.Destination.TablePrefix != "" &&
			!manifest.ValidName(p.Destination.TablePrefix) {
			d.add(at+".table_prefix", fmt.Sprintf("%q may contain only letters, digits, '-' and '_'", p.Destination.TablePrefix))
		}
		d.boolean(o, at, "incremental", &p.Destination.Incremental)
	}
	if o := d.section(obj, "parameters", "output", outputKeys); o != nil {
		const at = "parameters.output"
		d.boolean(o, at, "gzip", &p.Output.Gzip)
		d.integer(o, at, "sliced_above_rows", &p.Output.SlicedAboveRows, 0, math.MaxInt64)
		d.integer(o, at, "sliced_above_mb", &p.Output.SlicedAboveMB, 0, 1<<30)
		d.integer(o, at, "slice_rows", &p.Output.SliceRows, 0, math.MaxInt64)
		d.integer(o, at, "slice_mb", &p.Output.SliceMB, 1, 1<<20)
	}
	if o := d.section(obj, "parameters", "validation", validationKeys); o != nil {
		const at = "parameters.validation"
		if d.number(o, at, "min_score", &p.Validation.MinScore) &&
			(p.Validation.MinScore < 0 || p.Validation.MinScore > 100) {
			d.add(at+".min_score", fmt.Sprintf("must be between 0 and 100, got %g", p.Validation.MinScore))
		}
		if d.str(o, at, "on_failure", &p.Validation.OnFailure) &&
			p.Validation.OnFailure != OnFailureFail && p.Validation.OnFailure != OnFailureWarn {
			d.add(at+".on_failure", fmt.Sprintf("must be %q or %q, got %q", OnFailureFail, OnFailureWarn, p.Validation.OnFailure))
		}
	}
	if o := d.section(obj, "parameters", "upload", uploadKeys); o != nil {
		const at = "parameters.upload"
		if d.str(o, at, "url", &p.Upload.URL) && p.Upload.URL != "" {
			if u, err := url.Parse(p.Upload.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				d.add(at+".url", fmt.Sprintf("%q is not a Storage API URL such as https://connection.keboola.com", p.Upload.URL))
			}
		}
		d.str(o, at, "#storage_token", &p.Upload.Token)
	}
	return p, d.ps
}

// decoder collects problems while it decodes JSON values by path.
type decoder struct{ ps Problems }

func (d *decoder) add(path, msg string) { d.ps = append(d.ps, Problem{path, msg}) }

// object decodes raw as an object whose keys must be among known.
func (d *decoder) object(raw json.RawMessage, path string, known []string) map[string]json.RawMessage {
	var o map[string]json.RawMessage
	if err := json.Unmarshal(raw, &o); err != nil || o == nil {
		d.add(path, "expected an object, got "+describe(raw))
		return nil
	}
	var unknown []string
	for k := range o {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		msg := "unknown key"
		if s := suggest(k, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += " (known keys: " + strings.Join(known, ", ") + ")"
		}
		d.add(path+"."+k, msg)
	}
	return o
}

// section decodes the optional object at key.
func (d *decoder) section(o map[string]json.RawMessage, at, key string, known []string) map[string]json.RawMessage {
	raw, ok := o[key]
	if !ok || string(raw) == "null" {
		return nil
	}
	return d.object(raw, at+"."+key, known)
}

// schema decodes the DSL document given as an object or as a string.
func (d *decoder) schema(raw json.RawMessage, path string) []byte {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '{':
		return raw
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			d.add(path, "invalid JSON string: "+err.Error())
			return nil
		}
		if strings.TrimSpace(s) == "" {
			d.add(path, "empty: put the DSL document here")
			return nil
		}
		return []byte(s)
	}
	d.add(path, "expected the DSL document as a JSON object or a JSON string, got "+describe(raw))
	return nil
}

func (d *decoder) boolean(o map[string]json.RawMessage, at, key string, dst *bool) bool {
	raw, ok := o[key]
	if !ok {
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil || string(raw) == "null" {
		d.add(at+"."+key, "expected true or false, got "+describe(raw))
		return false
	}
	return true
}

func (d *decoder) str(o map[string]json.RawMessage, at, key string, dst *string) bool {
	raw, ok := o[key]
	if !ok {
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil || string(raw) == "null" {
		if strings.HasPrefix(key, "#") {
			d.add(at+"."+key, "expected a string") // never echo a secret
		} else {
			d.add(at+"."+key, "expected a string, got "+describe(raw))
		}
		return false
	}
	*dst = strings.TrimSpace(*dst)
	return true
}

func (d *decoder) number(o map[string]json.RawMessage, at, key string, dst *float64) bool {
	raw, ok := o[key]
	if !ok {
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil || string(raw) == "null" {
		d.add(at+"."+key, "expected a number, got "+describe(raw))
		return false
	}
	return true
}

// integer decodes an integer in [lo, hi]. A number with a zero fraction
// (5.0) is accepted; 5.5 or "5" is not.
func (d *decoder) integer(o map[string]json.RawMessage, at, key string, dst *int64, lo, hi int64) bool {
	raw, ok := o[key]
	if !ok {
		return false
	}
	path := at + "." + key
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil || string(raw) == "null" || strings.HasPrefix(string(raw), `"`) {
		d.add(path, "expected an integer, got "+describe(raw))
		return false
	}
	v, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			d.add(path, "expected an integer, got "+string(raw))
			return false
		}
		v = int64(f)
	}
	if v < lo || v > hi {
		if hi == math.MaxInt64 {
			d.add(path, fmt.Sprintf("must be at least %d, got %d", lo, v))
		} else {
			d.add(path, fmt.Sprintf("must be between %d and %d, got %d", lo, hi, v))
		}
		return false
	}
	*dst = v
	return true
}

// describe names the JSON type of raw (and shows short scalars).
func describe(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		if len(raw) <= 40 && utf8.Valid(raw) {
			return "the string " + string(raw)
		}
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	if len(raw) <= 40 {
		return "the number " + string(raw)
	}
	return "a number"
}

// suggest returns the known key closest to k (edit distance at most 2).
func suggest(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if d := editdist.Distance(strings.ToLower(k), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// collectSecrets returns the string values of every "#"-prefixed key in v
// (scalars only; the platform encrypts nothing else).
func collectSecrets(v any, acc []string) []string {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if strings.HasPrefix(k, "#") {
				switch s := e.(type) {
				case string:
					if s != "" {
						acc = append(acc, s)
					}
				case json.Number:
					acc = append(acc, s.String())
				}
				continue
			}
			acc = collectSecrets(e, acc)
		}
	case []any:
		for _, e := range x {
			acc = collectSecrets(e, acc)
		}
	}
	return acc
}
