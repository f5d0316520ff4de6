package component

import (
	"math"
	"net/url"
	"regexp"
	"strings"

	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/keboola/manifest"
	"datagen/src/templates"
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

// Run modes (parameters.mode).
const (
	// ModeGenerate generates the tables of parameters.schema (or template).
	ModeGenerate = "generate"
	// ModeTwin learns a schema from the input-mapped tables (in/tables),
	// writes it to out/files and generates their synthetic twin.
	ModeTwin = "twin"
	// DefaultTwinK is the privacy threshold of twin mode: a value seen
	// fewer times is never copied.
	DefaultTwinK = 5
	// TwinSchemaFile is the file in out/files that holds the learned schema.
	TwinSchemaFile = "twin_schema.json"
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
	// content of the string), or the document of Template.
	Schema []byte
	// Template names the bundled template (package templates) used as the
	// schema when parameters.schema is absent; "" for none.
	Template string
	// Mode is ModeGenerate or ModeTwin (then Schema is learned at run time
	// from the input tables, with privacy threshold TwinK).
	Mode  string
	TwinK int
	// SchemaIgnored says that twin mode set a given schema or template
	// aside.
	SchemaIgnored bool
	// Lenient accepts schemas written for the predecessor (unknown keys
	// become warnings).
	Lenient bool
	Seed    int64
	// Scale multiplies the row counts of entities and parent-less facts.
	Scale float64
	// MaxMemory is the memory a run may plan to hold, in bytes
	// (default engine.DefaultMaxMemory).
	MaxMemory int64
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
	// Continuous makes each run write the rows of the time window from
	// the watermark in the state to now, loaded incrementally (see
	// continuous.go).
	Continuous  bool
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
// strictly and every problem is reported, each with its path. Wherever an
// object is expected an empty array is accepted: the platform writes every
// nested empty object as []. Problems are returned as a *UserError wrapping
// input.Problems.
func ParseConfig(data []byte) (*Config, error) {
	root, err := input.Parse(data)
	if err != nil {
		return nil, input.Userf("config.json is not valid JSON: %v", err)
	}
	if !root.IsObject() {
		return nil, input.Userf("config.json is not a JSON object, got %s", root.Describe())
	}
	c := &Config{Action: "run", Secrets: input.Secrets(root)}
	d := &decoder{}
	if v := root.Get("action"); v != nil && v.Kind != input.NullKind {
		if a, ok := d.Str(v, "action"); ok {
			c.Action = a
		}
	}
	// Lenient: a storage section of a shape we do not expect just leaves
	// the defaults.
	out := root.Get("storage").Get("output")
	if v := out.Get("default_bucket"); v != nil && v.Kind == input.StringKind {
		c.DefaultBucket = strings.TrimSpace(v.Str)
	}
	if v := out.Get("data_type_support"); v != nil && v.Kind == input.StringKind {
		switch v.Str {
		case "", manifest.SupportAuthoritative, manifest.SupportHints, manifest.SupportNone:
			c.DataTypeSupport = v.Str
		default:
			d.Errorf("storage.output.data_type_support", "", "unknown value %q (want authoritative, hints or none)", v.Str)
		}
	}
	pv := root.Get("parameters")
	if pv == nil || pv.Kind == input.NullKind {
		d.Errorf("parameters", "", "missing: the configuration must carry the schema in parameters.schema")
		return nil, input.User(d.Problems())
	}
	p := d.parameters(pv)
	if ps := d.Problems(); len(ps) > 0 {
		return nil, input.User(ps)
	}
	c.Parameters = *p
	return c, nil
}

// parameterKeys are the keys of "parameters", in documentation order.
var parameterKeys = []string{"schema", "lenient", "seed", "scale", "max_memory", "sample_rows", "preview_rows", "workers", "parts", "part",
	"debug", "destination", "output", "validation", "upload", "template", "mode", "twin_k", "continuous", buttonValidate, buttonPreview}

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

// decoder reads the parameters object, collecting every problem.
type decoder struct{ input.Reader }

// parameters decodes the parameters object strictly.
func (d *decoder) parameters(v *input.Value) *Parameters {
	p := &Parameters{
		Seed: DefaultSeed, Scale: 1, MaxMemory: engine.DefaultMaxMemory, Parts: 1, PreviewRows: DefaultPreviewRows,
		Output: Output{SlicedAboveRows: DefaultSlicedAboveRows, SlicedAboveMB: DefaultSlicedAboveMB,
			SliceMB: DefaultSliceMB},
		Validation: Validation{OnFailure: OnFailureFail},
		Mode:       ModeGenerate, TwinK: DefaultTwinK,
	}
	obj := d.Object(v, "parameters", parameterKeys...)
	if obj == nil {
		return p
	}
	if d.str(obj, "mode", &p.Mode) && p.Mode != ModeGenerate && p.Mode != ModeTwin {
		d.Errorf("parameters.mode", input.DidYouMean(p.Mode, []string{ModeGenerate, ModeTwin}),
			"must be %q or %q, got %q", ModeGenerate, ModeTwin, p.Mode)
	}
	var k int64 = DefaultTwinK
	if d.integer(obj, "twin_k", &k, 1, 1_000_000) {
		p.TwinK = int(k)
	}
	d.str(obj, "template", &p.Template)
	sv := obj.Value().Get("schema")
	switch {
	case p.Mode == ModeTwin:
		// The schema is learned when the component runs; a schema or
		// template the form keeps is set aside (and the run says so).
		p.SchemaIgnored = p.Template != "" || sv != nil && sv.Kind != input.NullKind
		p.Template = ""
	case p.Template != "" && sv != nil && sv.Kind != input.NullKind:
		d.Errorf("parameters.template", "remove parameters.schema to use the template, or set template to \"\" to use the schema",
			"template %q and parameters.schema are both given", p.Template)
	case p.Template != "":
		doc, err := templates.Get(p.Template)
		if err != nil {
			d.Errorf("parameters.template", input.DidYouMean(p.Template, templates.Names()),
				"unknown template %q (templates: %s)", p.Template, strings.Join(templates.Names(), ", "))
		}
		p.Schema = doc
	case sv != nil:
		p.Schema = d.schema(sv, "parameters.schema")
	default:
		d.Errorf("parameters.schema", "", "missing: put the DSL document here, as a JSON object or as a JSON string, or name a template in parameters.template")
	}
	d.boolean(obj, "lenient", &p.Lenient)
	d.integer(obj, "seed", &p.Seed, math.MinInt64, math.MaxInt64)
	if d.number(obj, "scale", &p.Scale) && !(p.Scale > 0 && p.Scale <= engine.MaxScale) {
		d.Errorf("parameters.scale", "", "must be greater than 0 and at most %g, got %g", float64(engine.MaxScale), p.Scale)
	}
	var maxMem string
	if d.str(obj, "max_memory", &maxMem) && maxMem != "" {
		n, err := engine.ParseBytes(maxMem)
		if err != nil {
			d.Errorf("parameters.max_memory", "", "%v", err)
		}
		p.MaxMemory = n
	}
	d.integer(obj, "sample_rows", &p.SampleRows, 0, math.MaxInt64)
	d.integer(obj, "preview_rows", &p.PreviewRows, 1, MaxPreviewRows)
	var workers int64
	if d.integer(obj, "workers", &workers, 0, 1024) {
		p.Workers = int(workers)
	}
	parts, part := int64(1), int64(0)
	okParts := d.integer(obj, "parts", &parts, 1, 1_000_000)
	if d.integer(obj, "part", &part, 0, 999_999) && okParts && part >= parts {
		d.Errorf("parameters.part", "", "must be between 0 and %d (parts is %d), got %d", parts-1, parts, part)
	}
	p.Parts, p.Part = int(parts), int(part)
	d.boolean(obj, "debug", &p.Debug)
	if d.boolean(obj, "continuous", &p.Continuous) && p.Continuous && p.SampleRows > 0 {
		// A sample is not the window's rows, but the watermark would move
		// past the rows left out, and no later run would deliver them.
		d.Errorf("parameters.sample_rows", "set sample_rows to 0, or continuous to false for a sample",
			"is %d, and parameters.continuous is true: a continuous run writes every row of its window, and the watermark moves past the rows a sample would leave out", p.SampleRows)
	}

	if o := d.section(obj, "destination", destinationKeys); o != nil {
		if d.str(o, "bucket", &p.Destination.Bucket) && p.Destination.Bucket != "" && !bucketRe.MatchString(p.Destination.Bucket) {
			d.Errorf(o.At("bucket"), "", "%q is not a bucket id: write the stage and the bucket name, e.g. \"in.c-datagen\"",
				p.Destination.Bucket)
		}
		if d.str(o, "table_prefix", &p.Destination.TablePrefix) && p.Destination.TablePrefix != "" &&
			!manifest.ValidName(p.Destination.TablePrefix) {
			d.Errorf(o.At("table_prefix"), "", "%q may contain only letters, digits, '-' and '_'", p.Destination.TablePrefix)
		}
		d.boolean(o, "incremental", &p.Destination.Incremental)
	}
	if o := d.section(obj, "output", outputKeys); o != nil {
		d.boolean(o, "gzip", &p.Output.Gzip)
		d.integer(o, "sliced_above_rows", &p.Output.SlicedAboveRows, 0, math.MaxInt64)
		d.integer(o, "sliced_above_mb", &p.Output.SlicedAboveMB, 0, 1<<30)
		d.integer(o, "slice_rows", &p.Output.SliceRows, 0, math.MaxInt64)
		d.integer(o, "slice_mb", &p.Output.SliceMB, 1, 1<<20)
	}
	if o := d.section(obj, "validation", validationKeys); o != nil {
		if d.number(o, "min_score", &p.Validation.MinScore) &&
			(p.Validation.MinScore < 0 || p.Validation.MinScore > 100) {
			d.Errorf(o.At("min_score"), "", "must be between 0 and 100, got %g", p.Validation.MinScore)
		}
		if d.str(o, "on_failure", &p.Validation.OnFailure) &&
			p.Validation.OnFailure != OnFailureFail && p.Validation.OnFailure != OnFailureWarn {
			d.Errorf(o.At("on_failure"), "", "must be %q or %q, got %q", OnFailureFail, OnFailureWarn, p.Validation.OnFailure)
		}
	}
	if o := d.section(obj, "upload", uploadKeys); o != nil {
		if d.str(o, "url", &p.Upload.URL) && p.Upload.URL != "" {
			if u, err := url.Parse(p.Upload.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				d.Errorf(o.At("url"), "", "%q is not a Storage API URL such as https://connection.keboola.com", p.Upload.URL)
			}
		}
		d.str(o, "#storage_token", &p.Upload.Token)
	}
	return p
}

// member returns key of o as written, null included (nil when absent):
// a null parameter is a mistake, not a default.
func member(o *input.Object, key string) *input.Value { return o.Value().Get(key) }

// section decodes the optional object at key (null or absent: nil).
func (d *decoder) section(o *input.Object, key string, known []string) *input.Object {
	v := member(o, key)
	if v == nil || v.Kind == input.NullKind {
		return nil
	}
	return d.Object(v, o.At(key), known...)
}

// schema decodes the DSL document given as an object or as a string.
func (d *decoder) schema(v *input.Value, path string) []byte {
	switch {
	case v.IsObject():
		return v.Raw
	case v.Kind == input.StringKind:
		if strings.TrimSpace(v.Str) == "" {
			d.Errorf(path, "", "empty: put the DSL document here")
			return nil
		}
		return []byte(v.Str)
	}
	d.Errorf(path, "", "expected the DSL document as a JSON object or a JSON string, got %s", v.Describe())
	return nil
}

func (d *decoder) boolean(o *input.Object, key string, dst *bool) bool {
	v := member(o, key)
	if v == nil {
		return false
	}
	b, ok := d.Bool(v, o.At(key))
	if ok {
		*dst = b
	}
	return ok
}

// str reads a string and trims it. The value of a "#" key is never echoed
// in a message.
func (d *decoder) str(o *input.Object, key string, dst *string) bool {
	v := member(o, key)
	if v == nil {
		return false
	}
	if strings.HasPrefix(key, "#") && v.Kind != input.StringKind {
		d.Errorf(o.At(key), "", "expected a string")
		return false
	}
	s, ok := d.Str(v, o.At(key))
	if ok {
		*dst = strings.TrimSpace(s)
	}
	return ok
}

func (d *decoder) number(o *input.Object, key string, dst *float64) bool {
	v := member(o, key)
	if v == nil {
		return false
	}
	f, ok := d.Num(v, o.At(key))
	if ok {
		*dst = f
	}
	return ok
}

// integer decodes an integer in [lo, hi]. A number with a zero fraction
// (5.0) is accepted; 5.5 or "5" is not.
func (d *decoder) integer(o *input.Object, key string, dst *int64, lo, hi int64) bool {
	v := member(o, key)
	if v == nil {
		return false
	}
	n, ok := d.Integer(v, o.At(key))
	if !ok {
		return false
	}
	if n < lo || n > hi {
		if hi == math.MaxInt64 {
			d.Errorf(o.At(key), "", "must be at least %d, got %d", lo, n)
		} else {
			d.Errorf(o.At(key), "", "must be between %d and %d, got %d", lo, hi, n)
		}
		return false
	}
	*dst = n
	return true
}
