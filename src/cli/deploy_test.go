package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// deployDir holds the Kubernetes manifests.
const deployDir = "../../deploy/kubernetes"

// k8sDocs parses every YAML document of a manifest file.
func k8sDocs(t *testing.T, name string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, name))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var out []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, doc)
	}
	return out
}

// at follows a path of map keys and list indexes through a document.
func at(t *testing.T, doc any, path ...any) any {
	t.Helper()
	v := doc
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a mapping at %q", path, k)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no item %d", path, k)
			}
			v = l[k]
		}
	}
	return v
}

// containerArgs returns the args of a Job's only container.
func containerArgs(t *testing.T, job map[string]any) []string {
	t.Helper()
	var args []string
	for _, a := range at(t, job, "spec", "template", "spec", "containers", 0, "args").([]any) {
		args = append(args, a.(string))
	}
	return args
}

func flagValue(args []string, name string) string {
	if i := slices.Index(args, name); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// TestKubernetesManifests parses deploy/kubernetes and checks that its
// pieces fit: an Indexed Job whose completions equal --parts, the schema
// ConfigMap mounted where generate reads it, the count index and finalize
// on the same URL and run, every referenced file present; then runs the
// index Job's command line, the parts Job's as pod 7 would
// (JOB_COMPLETION_INDEX=7) into an S3 emulator, and the finalize Job's,
// which names the 999 parts still missing.
func TestKubernetesManifests(t *testing.T) {
	kust := k8sDocs(t, "kustomization.yaml")[0]
	if at(t, kust, "kind") != "Kustomization" {
		t.Fatalf("kustomization.yaml: kind %v", at(t, kust, "kind"))
	}
	for _, r := range at(t, kust, "resources").([]any) {
		if _, err := os.Stat(filepath.Join(deployDir, r.(string))); err != nil {
			t.Errorf("kustomization resource: %v", err)
		}
	}
	cm := at(t, kust, "configMapGenerator", 0)
	schemaFile := at(t, cm, "files", 0).(string)
	if _, err := os.Stat(filepath.Join(deployDir, schemaFile)); err != nil {
		t.Fatal(err)
	}
	sa := k8sDocs(t, "serviceaccount.yaml")[0]

	parts := k8sDocs(t, "job-parts.yaml")[0]
	index := k8sDocs(t, "job-index.yaml")[0]
	finalize := k8sDocs(t, "job-finalize.yaml")[0]
	for _, job := range []map[string]any{index, parts, finalize} {
		if at(t, job, "apiVersion") != "batch/v1" || at(t, job, "kind") != "Job" {
			t.Errorf("%v: not a batch/v1 Job", at(t, job, "metadata", "name"))
		}
		if at(t, job, "spec", "template", "spec", "restartPolicy") != "Never" {
			t.Errorf("%v: restartPolicy must be Never (podFailurePolicy needs it)", at(t, job, "metadata", "name"))
		}
		if at(t, job, "spec", "template", "spec", "serviceAccountName") != at(t, sa, "metadata", "name") {
			t.Errorf("%v: service account is not the one of serviceaccount.yaml", at(t, job, "metadata", "name"))
		}
		checkPodSecurity(t, job)
		if at(t, job, "metadata", "labels", "app.kubernetes.io/name") != "datagen" {
			t.Errorf("%v: no label app.kubernetes.io/name: datagen", at(t, job, "metadata", "name"))
		}
	}
	for _, job := range []map[string]any{index, parts} {
		ignored := false
		for _, r := range at(t, job, "spec", "podFailurePolicy", "rules").([]any) {
			if conds, ok := r.(map[string]any)["onPodConditions"].([]any); ok && at(t, r, "action") == "Ignore" {
				for _, c := range conds {
					ignored = ignored || at(t, c, "type") == "DisruptionTarget"
				}
			}
		}
		if !ignored {
			t.Errorf("%v: an evicted pod (DisruptionTarget) must not count as a failure", at(t, job, "metadata", "name"))
		}
	}
	if at(t, parts, "spec", "completionMode") != "Indexed" {
		t.Errorf("job-parts.yaml: completionMode %v", at(t, parts, "spec", "completionMode"))
	}
	args := containerArgs(t, parts)
	n, err := strconv.Atoi(flagValue(args, "--parts"))
	if err != nil || at(t, parts, "spec", "completions") != n {
		t.Errorf("job-parts.yaml: completions %v, --parts %q: they must be equal", at(t, parts, "spec", "completions"), flagValue(args, "--parts"))
	}
	if slices.Contains(args, "--part") {
		t.Errorf("job-parts.yaml: --part is given; each pod must take its part from JOB_COMPLETION_INDEX")
	}
	if args[0] != "generate" {
		t.Fatalf("job-parts.yaml: args %q", args)
	}
	mount := at(t, parts, "spec", "template", "spec", "containers", 0, "volumeMounts", 0)
	vol := at(t, parts, "spec", "template", "spec", "volumes", 0)
	if at(t, mount, "name") != at(t, vol, "name") || at(t, vol, "configMap", "name") != at(t, cm, "name") ||
		args[1] != at(t, mount, "mountPath").(string)+"/"+schemaFile {
		t.Errorf("job-parts.yaml: the schema %s is not the mounted ConfigMap %v", args[1], at(t, cm, "name"))
	}
	url := flagValue(args, "--output-dir")
	iargs := containerArgs(t, index)
	if len(iargs) < 2 || iargs[0] != "index" || iargs[1] != args[1] {
		t.Errorf("job-index.yaml: args %q, want index %s", iargs, args[1])
	}
	for _, f := range []string{"--output-dir", "--parts", "--seed", "--scale", "--from", "--until", "--dry-run-sample"} {
		if flagValue(iargs, f) != flagValue(args, f) {
			t.Errorf("job-index.yaml: %s %q, job-parts.yaml %q: the index must be of the parts' run", f, flagValue(iargs, f), flagValue(args, f))
		}
	}
	if at(t, index, "spec", "template", "spec", "volumes", 0, "configMap", "name") != at(t, cm, "name") {
		t.Errorf("job-index.yaml: the schema is not the ConfigMap %v", at(t, cm, "name"))
	}
	fargs := containerArgs(t, finalize)
	if len(fargs) < 2 || fargs[0] != "finalize" || fargs[1] != url {
		t.Errorf("job-finalize.yaml: args %q, want finalize %s", fargs, url)
	}
	// The schema shipped for the billion-row run plans.
	if _, stderr, code := datagen(t, "check", filepath.Join(deployDir, schemaFile), "--quiet"); code != 0 {
		t.Errorf("%s: %s", schemaFile, stderr)
	}

	// The pods' command lines, run here with the example schema against
	// an S3 emulator that has the bucket.
	bucket, _, _ := strings.Cut(strings.TrimPrefix(url, "s3://"), "/")
	backend, env := s3Env(t, bucket)
	irun := slices.Clone(iargs)
	irun[1] = shop
	if _, stderr, code := datagenEnv(t, env, append(irun, "--quiet")...); code != 0 {
		t.Fatalf("%q: exit %d: %s", irun, code, stderr)
	}
	env["JOB_COMPLETION_INDEX"] = "7"
	run := slices.Clone(args)
	run[1] = shop
	_, stderr, code := datagenEnv(t, env, run...)
	if code != 0 {
		t.Fatalf("%q: exit %d: %s", run, code, stderr)
	}
	if want := "Using the count index " + url + "/.index-of-01000.json"; !strings.Contains(stderr, want) {
		t.Errorf("pod 7 did not read the index: want %q in %q", want, stderr)
	}
	prefix := strings.TrimPrefix(url, "s3://"+bucket+"/") + "/"
	objs := s3Objects(t, backend, bucket, prefix)
	if _, ok := objs[".metadata.part-00007-of-01000.json"]; !ok || len(objs) != len(shopTables)+2 {
		t.Errorf("pod 7 wrote %d objects: %v", len(objs), mapKeys(objs))
	}
	delete(env, "JOB_COMPLETION_INDEX")
	_, stderr, code = datagenEnv(t, env, fargs...)
	if want := "999 of 1000 parts are missing: parts 0 to 6 (.metadata.part-00000-of-01000.json to .metadata.part-00006-of-01000.json), parts 8 to 999 (.metadata.part-00008-of-01000.json to .metadata.part-00999-of-01000.json)\n"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("finalize: exit %d, want 1 and %q in %q", code, want, stderr)
	}
}

func mapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkPodSecurity checks that a Job's pod runs as a non-root user on a
// read-only root file system, without privilege escalation or
// capabilities, with an emptyDir at /tmp (TMPDIR, where a run into
// object storage stages its small files).
func checkPodSecurity(t *testing.T, job map[string]any) {
	t.Helper()
	name := at(t, job, "metadata", "name")
	pod := at(t, job, "spec", "template", "spec")
	if at(t, pod, "securityContext", "runAsNonRoot") != true {
		t.Errorf("%v: the pod's securityContext must say runAsNonRoot: true", name)
	}
	if uid, ok := at(t, pod, "securityContext", "runAsUser").(int); !ok || uid == 0 {
		t.Errorf("%v: runAsUser %v: the image's default user is root, so runAsNonRoot needs a non-zero runAsUser", name, at(t, pod, "securityContext", "runAsUser"))
	}
	c := at(t, pod, "containers", 0)
	if at(t, c, "securityContext", "readOnlyRootFilesystem") != true || at(t, c, "securityContext", "allowPrivilegeEscalation") != false {
		t.Errorf("%v: the container needs readOnlyRootFilesystem: true and allowPrivilegeEscalation: false", name)
	}
	if drop, _ := at(t, c, "securityContext", "capabilities", "drop").([]any); !slices.Contains(drop, any("ALL")) {
		t.Errorf("%v: the container must drop ALL capabilities, drops %v", name, drop)
	}
	tmp := ""
	mounts, _ := at(t, c, "volumeMounts").([]any)
	for _, m := range mounts {
		if at(t, m, "mountPath") == "/tmp" {
			tmp, _ = at(t, m, "name").(string)
		}
	}
	found := false
	vols, _ := at(t, pod, "volumes").([]any)
	for _, v := range vols {
		if at(t, v, "name") == tmp {
			_, found = v.(map[string]any)["emptyDir"]
		}
	}
	if tmp == "" || !found {
		t.Errorf("%v: no emptyDir volume mounted at /tmp (mount %q)", name, tmp)
	}
}
