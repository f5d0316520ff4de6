package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"datagen/src/objstore"
	"datagen/src/outdir"
)

// s3Env starts an in-process S3 emulator with bucket and returns its
// backend and the environment that points the AWS chain at it.
func s3Env(t *testing.T, bucket string) (*s3mem.Backend, map[string]string) {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return backend, map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-central-1",
		"AWS_ENDPOINT_URL_S3": srv.URL,
	}
}

// s3Objects returns the objects of bucket under prefix by key.
func s3Objects(t *testing.T, b *s3mem.Backend, bucket, prefix string) map[string][]byte {
	t.Helper()
	list, err := b.ListBucket(bucket, &gofakes3.Prefix{Prefix: prefix, HasPrefix: true}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, c := range list.Contents {
		obj, err := b.GetObject(bucket, c.Key, nil)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(obj.Contents)
		obj.Contents.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimPrefix(c.Key, prefix)] = data
	}
	return out
}

// TestPartsToS3: four parts run at the same time, as four processes, into
// one prefix of an S3 emulator; their union equals the single run byte for byte, finalize
// accepts it and writes .metadata.json there, and a missing part fails
// finalize naming it.
func TestPartsToS3(t *testing.T) {
	backend, env := s3Env(t, "lake")
	whole := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", whole, "--format", "csv,parquet", "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	const n = 4
	url := "s3://lake/runs/shop-42"
	var penv []string
	for key, v := range env {
		penv = append(penv, key+"="+v)
	}
	runPartProcesses(t, n, penv, func(int) []string {
		return []string{"generate", shop, "-o", url, "--format", "csv,parquet", "--quiet", "--workers", "1", "--parts", strconv.Itoa(n)}
	})
	objs := s3Objects(t, backend, "lake", "runs/shop-42/")
	if len(objs) != n*len(shopTables)*2+n {
		t.Errorf("%d objects, want %d table files and %d manifests", len(objs), n*len(shopTables)*2, n)
	}
	local := t.TempDir()
	for key, data := range objs {
		p := filepath.Join(local, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range shopTables {
		want, err := os.ReadFile(filepath.Join(whole, id+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if got := concatParts(t, local, id, n); !bytes.Equal(got, want) {
			t.Errorf("%s: the %d parts in S3 concatenated (%d bytes) differ from the single run (%d bytes)", id, n, len(got), len(want))
		}
	}
	// The Parquet parts hold the same rows: validate reads the parts'
	// folder as the single run's tables.
	if _, stderr, code := datagen(t, "validate", shop, "--data-dir", local, "--report", filepath.Join(t.TempDir(), "r.json"), "--quiet"); code != 0 {
		t.Errorf("validate of the parts from S3: exit %d: %s", code, stderr)
	}

	stdout, stderr, code := datagenEnv(t, env, "finalize", url, "--verify")
	if code != 0 || !strings.Contains(stdout, "4 parts, 6 tables") {
		t.Fatalf("finalize: exit %d: %s %s", code, stdout, stderr)
	}
	meta := s3Objects(t, backend, "lake", "runs/shop-42/.metadata.json")[""]
	if !bytes.Contains(meta, []byte(`"parts": 4`)) {
		t.Errorf(".metadata.json in S3: %s", meta)
	}
	if _, err := backend.DeleteMulti("lake", "runs/shop-42/"+outdir.MetadataFile(outdir.Part{K: 1, N: n})); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = datagenEnv(t, env, "finalize", url)
	for _, want := range []string{"1 of 4 parts are missing: part 1 (.metadata.part-00001-of-00004.json)",
		"removed the .metadata.json of an earlier finalize"} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("finalize without part 1: exit %d, stderr %q; want 1 and %q", code, stderr, want)
		}
	}
	if meta := s3Objects(t, backend, "lake", "runs/shop-42/.metadata.json"); len(meta) != 0 {
		t.Errorf("a failed finalize left .metadata.json in S3")
	}
}

// TestGenerateToGCSAndAzure runs the two parts of a split run into
// fake-gcs-server (STORAGE_EMULATOR_HOST) and Azurite
// (AZURE_STORAGE_CONNECTION_STRING), finalizes them there, and reads the
// objects back: the single run's bytes.
func TestGenerateToGCSAndAzure(t *testing.T) {
	whole := t.TempDir()
	if _, stderr, code := datagen(t, "generate", shop, "-o", whole, "--format", "csv", "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{NoListener: true, Writer: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "lake"})
	gsrv := httptest.NewServer(gcs.HTTPHandler())
	t.Cleanup(gsrv.Close)
	providers := []struct {
		name, url string
		env       map[string]string
	}{{"gcs", "gs://lake/shop", map[string]string{"STORAGE_EMULATOR_HOST": gsrv.URL}}}
	if endpoint, ok := azurite(t); ok {
		name := "datagen-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		conn := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + azuriteKey + ";BlobEndpoint=" + endpoint + ";"
		cc, err := container.NewClientFromConnectionString(conn, name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cc.Create(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = cc.Delete(context.Background(), nil) })
		providers = append(providers, struct {
			name, url string
			env       map[string]string
		}{"azure", "az://" + name + "/shop", map[string]string{"AZURE_STORAGE_CONNECTION_STRING": conn}})
	}
	for _, p := range providers {
		t.Run(p.name, func(t *testing.T) {
			for k := range 2 {
				if _, stderr, code := datagenEnv(t, p.env, "generate", shop, "-o", p.url, "--format", "csv", "--quiet",
					"--parts", "2", "--part", strconv.Itoa(k)); code != 0 {
					t.Fatalf("part %d: %s", k, stderr)
				}
			}
			if stdout, stderr, code := datagenEnv(t, p.env, "finalize", p.url, "--verify"); code != 0 || !strings.Contains(stdout, "2 parts, 6 tables") {
				t.Fatalf("finalize: exit %d: %s %s", code, stdout, stderr)
			}
			loc, err := objstore.ParseURL(p.url)
			if err != nil {
				t.Fatal(err)
			}
			store, err := objstore.Open(context.Background(), loc, func(k string) string { return p.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			local := t.TempDir()
			list, err := store.List(context.Background(), loc.Prefix)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range list {
				r, err := store.Open(context.Background(), o.Key)
				if err != nil {
					t.Fatal(err)
				}
				data, err := io.ReadAll(r)
				r.Close()
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(local, filepath.FromSlash(strings.TrimPrefix(o.Key, loc.Prefix)))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, id := range shopTables {
				want, _ := os.ReadFile(filepath.Join(whole, id+".csv"))
				if got := concatParts(t, local, id, 2); !bytes.Equal(got, want) {
					t.Errorf("%s: the parts read back differ from the single run", id)
				}
			}
			if _, err := os.Stat(filepath.Join(local, ".metadata.json")); err != nil {
				t.Errorf("finalize wrote no .metadata.json: %v", err)
			}
		})
	}
}

// azuriteKey is the well-known key of Azurite's development account.
const azuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

// azurite returns Azurite's blob endpoint when it is running (see
// .ci/emulators.sh); without it the test fails under
// DATAGEN_REQUIRE_EMULATORS=1 and skips Azure otherwise.
func azurite(t *testing.T) (string, bool) {
	endpoint := os.Getenv("DATAGEN_AZURITE_BLOB")
	if endpoint == "" {
		endpoint = "http://127.0.0.1:10000/devstoreaccount1"
	}
	host := strings.TrimPrefix(endpoint, "http://")
	host, _, _ = strings.Cut(host, "/")
	conn, err := net.DialTimeout("tcp", host, 500*time.Millisecond)
	if err != nil {
		if os.Getenv("DATAGEN_REQUIRE_EMULATORS") == "1" {
			t.Fatalf("Azurite is not running at %s; start it with .ci/emulators.sh start", host)
		}
		t.Logf("Azurite is not running at %s: Azure Blob Storage not tested", host)
		return "", false
	}
	conn.Close()
	return endpoint, true
}

// TestCancelledRemoteRun cancels runs into an S3 emulator after their
// first table is generated (its upload sent, not completed): the runs exit
// with the signal's code, a new part leaves no object, a rerun of a part
// leaves the part's earlier objects byte for byte, and no multipart upload
// stays open.
func TestCancelledRemoteRun(t *testing.T) {
	backend, env := s3Env(t, "lake")
	url := "s3://lake/run"
	args := func(part, seed string) []string {
		return []string{"generate", shop, "-o", url, "--format", "csv", "--workers", "1", "--parts", "2", "--part", part, "--seed", seed}
	}
	if _, stderr, code := datagenEnv(t, env, args("0", "1")...); code != 0 {
		t.Fatal(stderr)
	}
	before := s3Objects(t, backend, "lake", "run/")
	for _, c := range [][]string{args("1", "1"), args("0", "2")} {
		sig := newFakeSignals()
		stderr := &triggerWriter{on: "Generated table"}
		sent := false
		stderr.fire = func() { sent = sig.send(syscall.SIGTERM) }
		code := run(context.Background(), c, Env{Stdout: io.Discard, Stderr: stderr, Environ: env, Version: "test"}, sig.signals())
		if !sent || code != 143 {
			t.Fatalf("%q: signal sent %v, exit %d; stderr:\n%s", c, sent, code, stderr)
		}
		after := s3Objects(t, backend, "lake", "run/")
		if len(after) != len(before) {
			t.Errorf("%q cancelled: %d objects, want the %d of the earlier part: %v", c, len(after), len(before), mapKeys(after))
		}
		for k, v := range before {
			if !bytes.Equal(after[k], v) {
				t.Errorf("%q cancelled: %s changed", c, k)
			}
		}
	}
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL_S3"]), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	open, err := client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String("lake")})
	if err != nil {
		t.Fatal(err)
	}
	if len(open.Uploads) != 0 {
		t.Errorf("%d multipart uploads left open", len(open.Uploads))
	}
}

// TestUnusableS3Target: a missing bucket, missing credentials and refused
// credentials fail generate and finalize before anything is generated,
// with one line naming the URL and exit 1.
func TestUnusableS3Target(t *testing.T) {
	_, env := s3Env(t, "lake")
	// The SDK's chain must find nothing of its own on the machine.
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	noCreds := map[string]string{"AWS_REGION": env["AWS_REGION"], "AWS_ENDPOINT_URL_S3": env["AWS_ENDPOINT_URL_S3"]}
	for _, c := range []struct {
		name string
		env  map[string]string
		url  string
		want string
	}{
		{"missing bucket", env, "s3://nope/run", `the bucket "nope" does not exist`},
		{"no credentials", noCreds, "s3://lake/run", "no AWS credentials found"},
	} {
		for _, cmd := range [][]string{
			{"generate", shop, "-o", c.url, "--format", "csv"},
			{"finalize", c.url},
		} {
			stdout, stderr, code := datagenEnv(t, c.env, cmd...)
			want := "error: " + map[string]string{"generate": "-o "}[cmd[0]] + c.url + ": " + c.want
			if code != 1 || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 || stdout != "" {
				t.Errorf("%s: %s: exit %d, stdout %q, stderr %q; want 1 and one line %q", c.name, cmd[0], code, stdout, stderr, want)
			}
		}
	}
}

// TestMissingBucketGCSAndAzure: a bucket (container) that does not exist
// fails generate and finalize at once, in one line naming the URL.
func TestMissingBucketGCSAndAzure(t *testing.T) {
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{NoListener: true, Writer: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	gsrv := httptest.NewServer(gcs.HTTPHandler())
	t.Cleanup(gsrv.Close)
	cases := []struct {
		url, want string
		env       map[string]string
	}{{"gs://nope/run", `the bucket "nope" does not exist`, map[string]string{"STORAGE_EMULATOR_HOST": gsrv.URL}}}
	if endpoint, ok := azurite(t); ok {
		name := "datagen-missing-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		conn := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + azuriteKey + ";BlobEndpoint=" + endpoint + ";"
		cases = append(cases, struct {
			url, want string
			env       map[string]string
		}{"az://" + name + "/run", `the container "` + name + `" does not exist`, map[string]string{"AZURE_STORAGE_CONNECTION_STRING": conn}})
	}
	for _, c := range cases {
		for _, cmd := range [][]string{
			{"generate", shop, "-o", c.url, "--format", "csv"},
			{"finalize", c.url},
		} {
			stdout, stderr, code := datagenEnv(t, c.env, cmd...)
			want := "error: " + map[string]string{"generate": "-o "}[cmd[0]] + c.url + ": " + c.want + "\n"
			if code != 1 || stderr != want || stdout != "" {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want 1 and %q", cmd[0], code, stdout, stderr, want)
			}
		}
	}
}

// TestRemoteRunNeedsATempFolder: a run into object storage stages its
// small files in TMPDIR; one that cannot be written is a user error
// saying what to do.
func TestRemoteRunNeedsATempFolder(t *testing.T) {
	backend, env := s3Env(t, "lake")
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "nonexistent"))
	_, stderr, code := datagenEnv(t, env, "generate", shop, "-o", "s3://lake/ro", "--parts", "2", "--part", "0", "--format", "csv")
	if want := "set TMPDIR to a writable folder"; code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "nonexistent") {
		t.Errorf("exit %d, want 1 and %q in %q", code, want, stderr)
	}
	if objs := s3Objects(t, backend, "lake", "ro/"); len(objs) != 0 {
		t.Errorf("a refused run wrote %d objects", len(objs))
	}
}
