package upload

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// blobBackend is a cloud storage emulator behind the fake Storage API: it
// hands out upload parameters for prepared files and reads the objects back.
type blobBackend interface {
	provider() string
	// uploadParams returns the provider-specific JSON fields of a prepared
	// file (e.g. "uploadParams": {...}).
	uploadParams(f *fakeFile) map[string]any
	// refresh returns renewed credentials (only GCS uses it).
	refresh(f *fakeFile) map[string]any
	// objectURL is the slice-manifest URL of the file's key + suffix.
	objectURL(f *fakeFile, suffix string) string
	// read returns an object's bytes by its objectURL.
	read(url string) ([]byte, error)
	// endpoints configure the uploader to reach the emulator.
	endpoints() Endpoints
}

// fakeFile is a prepared file.
type fakeFile struct {
	ID     int64
	Name   string
	Sliced bool
	Key    string
	Tags   []string
}

// fakeTable is a table with its rows kept as strings.
type fakeTable struct {
	ID         string
	Columns    []string
	PK         []string
	Typed      bool
	Definition []map[string]any
	Rows       [][]string
	Meta       map[string]map[string]string            // provider → key → value
	ColMeta    map[string]map[string]map[string]string // provider → column → key → value
}

// fakeJob is an asynchronous job; it reports "processing" for pollsLeft polls.
type fakeJob struct {
	ID        int64
	Op        string
	TableID   string
	Status    string
	Err       map[string]any
	Results   any
	FileID    int64 // source file of an import
	Created   time.Time
	pollsLeft int
}

// fault is an injected failure for matching requests.
type fault struct {
	method, path string // path suffix match
	status       int
	body         string
	header       map[string]string
	times        int
	afterEffect  bool // process the request, then answer with the fault
}

// fakeKBC is an in-memory Storage API that follows the reference: token
// verification, buckets, tables, files, import jobs, metadata.
type fakeKBC struct {
	t                testing.TB
	srv              *httptest.Server
	token            string
	blobs            blobBackend
	features         []string
	admin            map[string]any
	canManageBuckets bool
	bucketPerms      map[string]string
	jobPolls         int

	mu         sync.Mutex
	buckets    map[string]bool
	tables     map[string]*fakeTable
	files      map[int64]*fakeFile
	jobs       map[int64]*fakeJob
	nextID     int64
	faults     []*fault
	failImport map[string]string // table id → job error message
	onImport   func(tableID string)
	onJobPoll  func(jobID int64)
	// onCreate, when set, runs at the start of every table creation.
	onCreate func(tableID string)
	// createdTwice counts creations refused because the table exists.
	createdTwice map[string]int
	requests     []string
	importCalls  map[string]int
	refreshes    int
}

// newFakeKBC starts the fake on a loopback address.
func newFakeKBC(t testing.TB, token string, blobs blobBackend) *fakeKBC {
	f := &fakeKBC{
		t: t, token: token, blobs: blobs, canManageBuckets: true, jobPolls: 1,
		buckets: map[string]bool{}, tables: map[string]*fakeTable{}, files: map[int64]*fakeFile{},
		jobs: map[int64]*fakeJob{}, nextID: 1000, failImport: map[string]string{}, importCalls: map[string]int{},
		createdTwice: map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/storage/tokens/verify", f.verify)
	mux.HandleFunc("GET /v2/storage/buckets/{id}", f.getBucket)
	mux.HandleFunc("POST /v2/storage/buckets", f.createBucket)
	mux.HandleFunc("GET /v2/storage/tables/{id}", f.getTable)
	mux.HandleFunc("POST /v2/storage/buckets/{id}/tables-async", f.createTableAsync)
	mux.HandleFunc("POST /v2/storage/buckets/{id}/tables-definition", f.createTableDefinition)
	mux.HandleFunc("POST /v2/storage/tables/{id}/import-async", f.importAsync)
	mux.HandleFunc("POST /v2/storage/tables/{id}/metadata", f.setMetadata)
	mux.HandleFunc("POST /v2/storage/files/prepare", f.prepare)
	mux.HandleFunc("PUT /v2/storage/files/{id}/refresh", f.refreshFile)
	mux.HandleFunc("GET /v2/storage/jobs/{id}", f.getJob)
	mux.HandleFunc("GET /v2/storage/jobs", f.listJobs)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		if r.Header.Get("X-StorageApi-Token") != f.token {
			writeJSON(w, 401, map[string]any{"error": "Invalid access token", "code": "storage.tokenInvalid", "exceptionId": "exc-401", "status": "error"})
			return
		}
		if flt := f.takeFault(r); flt != nil {
			if flt.afterEffect {
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, r)
			}
			for k, v := range flt.header {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(flt.status)
			io.WriteString(w, flt.body)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// inject adds a fault.
func (f *fakeKBC) inject(flt fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if flt.times == 0 {
		flt.times = 1
	}
	f.faults = append(f.faults, &flt)
}

// takeFault returns and consumes the first fault matching r.
func (f *fakeKBC) takeFault(r *http.Request) *fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, flt := range f.faults {
		if flt.times > 0 && flt.method == r.Method && strings.HasSuffix(r.URL.Path, flt.path) {
			flt.times--
			return flt
		}
	}
	return nil
}

// count returns how many requests matched method and path suffix.
func (f *fakeKBC) count(method, suffix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if strings.HasPrefix(r, method+" ") && strings.HasSuffix(r, suffix) {
			n++
		}
	}
	return n
}

// table returns a copy of a table's state.
func (f *fakeKBC) table(id string) *fakeTable {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tables[id]
	if t == nil {
		return nil
	}
	c := *t
	c.Rows = slices.Clone(t.Rows)
	return &c
}

// addTable installs an existing table.
func (f *fakeKBC) addTable(id string, cols, pk []string, rows [][]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buckets[id[:strings.LastIndexByte(id, '.')]] = true
	copied := make([][]string, len(rows))
	for i, r := range rows {
		copied[i] = slices.Clone(r)
	}
	f.tables[id] = &fakeTable{ID: id, Columns: slices.Clone(cols), PK: pk, Rows: copied, Meta: map[string]map[string]string{}, ColMeta: map[string]map[string]map[string]string{}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": msg, "code": code, "exceptionId": "exc-" + strconv.Itoa(status), "status": "error"})
}

func (f *fakeKBC) verify(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	perms := any([]any{}) // the API's empty-object quirk
	if len(f.bucketPerms) > 0 {
		perms = f.bucketPerms
	}
	doc := map[string]any{
		"id": "4242", "description": "test token", "isMasterToken": false,
		"canManageBuckets": f.canManageBuckets, "bucketPermissions": perms, "isExpired": false, "isDisabled": false,
		"owner": map[string]any{
			"id": 77, "name": "Test project", "features": f.features, "defaultBackend": "snowflake",
			"fileStorageProvider": f.blobs.provider(),
			"limits":              map[string]any{"storage.jobsParallelism": map[string]any{"name": "storage.jobsParallelism", "value": 10}},
		},
	}
	if f.admin != nil {
		doc["admin"] = f.admin
	}
	writeJSON(w, 200, doc)
}

func (f *fakeKBC) getBucket(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	ok := f.buckets[id]
	f.mu.Unlock()
	if !ok {
		apiError(w, 404, "storage.buckets.notFound", "Bucket "+id+" not found")
		return
	}
	stage, name, _ := strings.Cut(id, ".")
	writeJSON(w, 200, map[string]any{"id": id, "name": name, "stage": stage})
}

func (f *fakeKBC) createBucket(w http.ResponseWriter, r *http.Request) {
	var body struct{ Name, Stage string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiError(w, 400, "storage.validation", err.Error())
		return
	}
	if !f.canManageBuckets {
		apiError(w, 403, "accessDenied", "You don't have access to the resource.")
		return
	}
	name := body.Name
	if !slices.Contains(f.features, "disable-legacy-bucket-prefix") {
		name = "c-" + name
	}
	id := body.Stage + "." + name
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.buckets[id] {
		apiError(w, 400, "storage.buckets.alreadyExists", "The bucket "+name+" already exists.")
		return
	}
	f.buckets[id] = true
	writeJSON(w, 201, map[string]any{"id": id, "name": name, "stage": body.Stage})
}

func (f *fakeKBC) getTable(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	t := f.tables[id]
	f.mu.Unlock()
	if t == nil {
		apiError(w, 404, "storage.tables.notFound", "The table "+id+" was not found")
		return
	}
	writeJSON(w, 200, map[string]any{"id": t.ID, "name": t.ID[strings.LastIndexByte(t.ID, '.')+1:], "columns": t.Columns,
		"primaryKey": t.PK, "rowsCount": len(t.Rows), "isTyped": t.Typed, "metadata": []any{}})
}

// newJob registers a finished job that still reports processing for a while.
func (f *fakeKBC) newJob(op, tableID string, fileID int64, jobErr error, results any) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	j := &fakeJob{ID: f.nextID, Op: op, TableID: tableID, Status: "success", Results: results, FileID: fileID, Created: time.Now(), pollsLeft: f.jobPolls}
	if jobErr != nil {
		j.Status = "error"
		j.Err = map[string]any{"code": "storage.jobFailed", "message": jobErr.Error(), "exceptionId": fmt.Sprintf("exc-job-%d", j.ID)}
		j.Results = nil
	}
	f.jobs[j.ID] = j
	return map[string]any{"id": j.ID, "status": "waiting", "operationName": op, "tableId": tableID, "url": f.srv.URL + "/v2/storage/jobs/" + strconv.FormatInt(j.ID, 10), "results": []any{}}
}

func (f *fakeKBC) getJob(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	f.mu.Lock()
	j := f.jobs[id]
	if j == nil {
		f.mu.Unlock()
		apiError(w, 404, "storage.jobs.notFound", "Job not found")
		return
	}
	doc := map[string]any{"id": j.ID, "operationName": j.Op, "tableId": j.TableID, "status": j.Status, "results": j.Results, "error": j.Err}
	if j.pollsLeft > 0 {
		j.pollsLeft--
		doc["status"], doc["results"], doc["error"] = "processing", nil, nil
	}
	hook := f.onJobPoll
	f.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	writeJSON(w, 200, doc)
}

// listJobs lists jobs newest first, paged by limit and offset as the API
// does; operationParams.source.fileId names an import's file, as a string
// the way Storage often sends ids.
func (f *fakeKBC) listJobs(w http.ResponseWriter, r *http.Request) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	f.mu.Lock()
	all := make([]*fakeJob, 0, len(f.jobs))
	for _, j := range f.jobs {
		all = append(all, j)
	}
	slices.SortFunc(all, func(a, b *fakeJob) int { return int(b.ID - a.ID) })
	docs := []map[string]any{}
	for _, j := range all[min(offset, len(all)):min(offset+limit, len(all))] {
		doc := map[string]any{"id": j.ID, "operationName": j.Op, "tableId": j.TableID, "status": j.Status,
			"createdTime": j.Created.Format("2006-01-02T15:04:05-0700"), "operationParams": []any{}}
		if j.FileID != 0 {
			doc["operationParams"] = map[string]any{"source": map[string]any{"type": "file", "fileId": strconv.FormatInt(j.FileID, 10)},
				"params": map[string]any{"incremental": true}}
		}
		docs = append(docs, doc)
	}
	f.mu.Unlock()
	writeJSON(w, 200, docs)
}

// readFile returns the records of an uploaded file (slices joined).
func (f *fakeKBC) readFile(fileID int64, delim string) ([][]string, bool, error) {
	f.mu.Lock()
	file := f.files[fileID]
	f.mu.Unlock()
	if file == nil {
		return nil, false, fmt.Errorf("file %d not found", fileID)
	}
	var urls []string
	if file.Sliced {
		data, err := f.blobs.read(f.blobs.objectURL(file, "manifest"))
		if err != nil {
			return nil, true, fmt.Errorf("reading the slice manifest: %w", err)
		}
		var m struct{ Entries []struct{ URL string } }
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, true, fmt.Errorf("slice manifest: %w", err)
		}
		prefix := f.blobs.objectURL(file, "")
		for _, e := range m.Entries {
			if !strings.HasPrefix(e.URL, prefix) {
				return nil, true, fmt.Errorf("slice %s is not under %s", e.URL, prefix)
			}
			urls = append(urls, e.URL)
		}
	} else {
		urls = []string{f.blobs.objectURL(file, "")}
	}
	var records [][]string
	for _, u := range urls {
		data, err := f.blobs.read(u)
		if err != nil {
			return nil, file.Sliced, fmt.Errorf("reading %s: %w", u, err)
		}
		if strings.HasSuffix(u, ".gz") || (!file.Sliced && strings.HasSuffix(file.Name, ".gz")) {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, file.Sliced, fmt.Errorf("%s: %w", u, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				return nil, file.Sliced, fmt.Errorf("%s: %w", u, err)
			}
		}
		cr := csv.NewReader(bytes.NewReader(data))
		if delim != "" {
			cr.Comma = rune(delim[0])
		}
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		if err != nil {
			return nil, file.Sliced, fmt.Errorf("%s: invalid CSV: %w", u, err)
		}
		records = append(records, recs...)
	}
	return records, file.Sliced, nil
}

type createBody struct {
	Name       string `json:"name"`
	DataFileID int64  `json:"dataFileId"`
	Delimiter  string `json:"delimiter"`
	PrimaryKey string `json:"primaryKey"`
}

func (f *fakeKBC) createTableAsync(w http.ResponseWriter, r *http.Request) {
	bucket := r.PathValue("id")
	var body createBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" || body.DataFileID == 0 {
		apiError(w, 400, "storage.validation", "name and dataFileId are required")
		return
	}
	id := bucket + "." + body.Name
	f.creating(id)
	f.mu.Lock()
	bucketOK := f.buckets[bucket]
	f.mu.Unlock()
	if !bucketOK {
		apiError(w, 404, "storage.buckets.notFound", "Bucket "+bucket+" not found")
		return
	}
	var jobErr error
	records, sliced, err := f.readFile(body.DataFileID, body.Delimiter)
	switch {
	case sliced:
		jobErr = fmt.Errorf("Table cannot be created from a sliced file")
	case err != nil:
		jobErr = err
	case len(records) == 0:
		jobErr = fmt.Errorf("The file has no header")
	}
	var results any
	if jobErr == nil {
		t := &fakeTable{ID: id, Columns: records[0], Rows: records[1:], Meta: map[string]map[string]string{}, ColMeta: map[string]map[string]map[string]string{}}
		if body.PrimaryKey != "" {
			t.PK = strings.Split(body.PrimaryKey, ",")
		}
		// Checked and created at once, as Storage does: of two creations
		// of one table at the same time, one fails.
		f.mu.Lock()
		if f.tables[id] != nil {
			jobErr = fmt.Errorf("The table %s already exists.", body.Name)
			f.createdTwice[id]++
		} else {
			f.tables[id] = t
			results = map[string]any{"id": id, "columns": t.Columns}
		}
		f.mu.Unlock()
	}
	writeJSON(w, 202, f.newJob("tableCreate", id, body.DataFileID, jobErr, results))
}

func (f *fakeKBC) createTableDefinition(w http.ResponseWriter, r *http.Request) {
	bucket := r.PathValue("id")
	if !slices.Contains(f.features, "native-types") && !slices.Contains(f.features, "new-native-types") {
		apiError(w, 400, "storage.tables.nativeTypesNotSupported", "Project does not support native types")
		return
	}
	var body struct {
		Name             string           `json:"name"`
		PrimaryKeysNames []string         `json:"primaryKeysNames"`
		Columns          []map[string]any `json:"columns"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" || len(body.Columns) == 0 {
		apiError(w, 400, "storage.validation", "name and columns are required")
		return
	}
	id := bucket + "." + body.Name
	var cols []string
	for _, c := range body.Columns {
		cols = append(cols, c["name"].(string))
	}
	f.creating(id)
	f.mu.Lock()
	var jobErr error
	if f.tables[id] != nil {
		jobErr = fmt.Errorf("The table %s already exists.", body.Name)
		f.createdTwice[id]++
	} else {
		f.tables[id] = &fakeTable{ID: id, Columns: cols, PK: body.PrimaryKeysNames, Typed: true, Definition: body.Columns,
			Meta: map[string]map[string]string{}, ColMeta: map[string]map[string]map[string]string{}}
	}
	f.mu.Unlock()
	writeJSON(w, 202, f.newJob("tableDefinitionCreate", id, 0, jobErr, map[string]any{"id": id}))
}

// creating runs the onCreate hook.
func (f *fakeKBC) creating(id string) {
	f.mu.Lock()
	hook := f.onCreate
	f.mu.Unlock()
	if hook != nil {
		hook(id)
	}
}

type importBody struct {
	DataFileID        int64    `json:"dataFileId"`
	Incremental       bool     `json:"incremental"`
	Delimiter         string   `json:"delimiter"`
	Columns           []string `json:"columns"`
	IgnoredLinesCount int      `json:"ignoredLinesCount"`
}

func (f *fakeKBC) importAsync(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var body importBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.DataFileID == 0 {
		apiError(w, 400, "storage.validation", "dataFileId is required")
		return
	}
	f.mu.Lock()
	t := f.tables[id]
	f.importCalls[id]++
	failMsg := f.failImport[id]
	hook := f.onImport
	f.mu.Unlock()
	if t == nil {
		apiError(w, 404, "storage.tables.notFound", "The table "+id+" was not found")
		return
	}
	jobErr := f.doImport(t, body)
	if jobErr == nil && failMsg != "" {
		jobErr = fmt.Errorf("%s", failMsg)
	}
	if jobErr == nil {
		f.applyImport(t, body)
	}
	writeJSON(w, 202, f.newJob("tableImport", id, body.DataFileID, jobErr, map[string]any{"importedColumns": t.Columns}))
	if hook != nil {
		hook(id)
	}
}

// doImport validates an import; applyImport performs it.
func (f *fakeKBC) doImport(t *fakeTable, body importBody) error {
	_, _, err := f.parseImport(t, body)
	return err
}

func (f *fakeKBC) parseImport(t *fakeTable, body importBody) ([]string, [][]string, error) {
	records, sliced, err := f.readFile(body.DataFileID, body.Delimiter)
	if err != nil {
		return nil, nil, err
	}
	cols := body.Columns
	if len(cols) == 0 {
		if sliced {
			return nil, nil, fmt.Errorf("Sliced file needs columns")
		}
		if len(records) == 0 {
			return nil, nil, fmt.Errorf("The file has no header")
		}
		cols, records = records[0], records[1:]
	}
	if body.IgnoredLinesCount > 0 {
		records = records[min(body.IgnoredLinesCount, len(records)):]
	}
	var missing []string
	for _, c := range t.Columns {
		if !slices.Contains(cols, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("Some columns are missing in the csv file. Missing columns: %s.", strings.Join(missing, ","))
	}
	for i, rec := range records {
		if len(rec) != len(cols) {
			return nil, nil, fmt.Errorf("row %d has %d values, expected %d", i+1, len(rec), len(cols))
		}
	}
	return cols, records, nil
}

func (f *fakeKBC) applyImport(t *fakeTable, body importBody) {
	cols, records, _ := f.parseImport(t, body)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range cols {
		if !slices.Contains(t.Columns, c) {
			t.Columns = append(t.Columns, c)
			for i := range t.Rows {
				t.Rows[i] = append(t.Rows[i], "")
			}
		}
	}
	idx := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		idx[i] = slices.Index(cols, c)
	}
	rows := make([][]string, len(records))
	for i, rec := range records {
		row := make([]string, len(t.Columns))
		for j, k := range idx {
			if k >= 0 {
				row[j] = rec[k]
			}
		}
		rows[i] = row
	}
	if !body.Incremental {
		t.Rows = rows
		return
	}
	if len(t.PK) == 0 {
		t.Rows = append(t.Rows, rows...)
		return
	}
	key := func(row []string) string {
		var b strings.Builder
		for _, k := range t.PK {
			b.WriteString(row[slices.Index(t.Columns, k)])
			b.WriteByte(0)
		}
		return b.String()
	}
	pos := map[string]int{}
	for i, row := range t.Rows {
		pos[key(row)] = i
	}
	for _, row := range rows {
		if i, ok := pos[key(row)]; ok {
			t.Rows[i] = row
		} else {
			pos[key(row)] = len(t.Rows)
			t.Rows = append(t.Rows, row)
		}
	}
}

func (f *fakeKBC) setMetadata(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var body struct {
		Provider        string              `json:"provider"`
		Metadata        []map[string]string `json:"metadata"`
		ColumnsMetadata map[string][]struct {
			ColumnName, Key, Value string
		} `json:"columnsMetadata"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Provider == "" {
		apiError(w, 400, "storage.validation", "provider is required")
		return
	}
	if len(body.ColumnsMetadata) > 100 {
		apiError(w, 400, "storage.validation", "too many columns")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tables[id]
	if t == nil {
		apiError(w, 404, "storage.tables.notFound", "not found")
		return
	}
	for _, group := range body.ColumnsMetadata {
		for _, e := range group {
			if !slices.Contains(t.Columns, e.ColumnName) {
				apiError(w, 400, "storage.validation", "unknown column "+e.ColumnName)
				return
			}
		}
	}
	if t.Meta[body.Provider] == nil {
		t.Meta[body.Provider] = map[string]string{}
		t.ColMeta[body.Provider] = map[string]map[string]string{}
	}
	for _, m := range body.Metadata {
		t.Meta[body.Provider][m["key"]] = m["value"]
	}
	for _, group := range body.ColumnsMetadata {
		for _, e := range group {
			if t.ColMeta[body.Provider][e.ColumnName] == nil {
				t.ColMeta[body.Provider][e.ColumnName] = map[string]string{}
			}
			t.ColMeta[body.Provider][e.ColumnName][e.Key] = e.Value
		}
	}
	writeJSON(w, 201, map[string]any{"metadata": []any{}, "columnsMetadata": []any{}})
}

func (f *fakeKBC) prepare(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name            string   `json:"name"`
		IsSliced        bool     `json:"isSliced"`
		FederationToken bool     `json:"federationToken"`
		Tags            []string `json:"tags"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" {
		apiError(w, 400, "storage.validation", "name is required")
		return
	}
	if !body.FederationToken {
		apiError(w, 400, "storage.validation", "federationToken must be true")
		return
	}
	f.mu.Lock()
	f.nextID++
	file := &fakeFile{ID: f.nextID, Name: body.Name, Sliced: body.IsSliced, Tags: body.Tags}
	file.Key = fmt.Sprintf("exp-15/77/files/2026/11/26/%d.%s", file.ID, body.Name)
	f.files[file.ID] = file
	f.mu.Unlock()
	doc := map[string]any{"id": file.ID, "name": file.Name, "isSliced": file.Sliced, "provider": f.blobs.provider(),
		"region": "us-east-1", "created": "2026-11-26T04:00:00+0100", "url": "https://files.invalid/" + file.Key}
	for k, v := range f.blobs.uploadParams(file) {
		doc[k] = v
	}
	writeJSON(w, 201, doc)
}

func (f *fakeKBC) refreshFile(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	f.mu.Lock()
	file := f.files[id]
	f.refreshes++
	f.mu.Unlock()
	if file == nil {
		apiError(w, 404, "storage.files.notFound", "File not found")
		return
	}
	doc := map[string]any{"id": file.ID, "name": file.Name, "isSliced": file.Sliced, "provider": f.blobs.provider()}
	for k, v := range f.blobs.refresh(file) {
		doc[k] = v
	}
	writeJSON(w, 200, doc)
}
